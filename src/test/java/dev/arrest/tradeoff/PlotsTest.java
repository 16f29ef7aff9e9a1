package dev.arrest.tradeoff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;

class PlotsTest {

  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

  @TempDir Path dir;

  @Test
  void pointsAtTheSameCoordinatesShareOneLabel() {
    assertEquals(
        Arrays.asList("aft+rgkd, arrest phi=45", "aft", null),
        PlanePlot.mergedLabels(
            List.of(List.of(82.5, 56.5), List.of(82.5, 55.5), List.of(82.5, 56.5)),
            List.of("aft+rgkd", "aft", "arrest phi=45")));
  }

  @Test
  void planePlotWritesPngAndSvgWithLabelsAndAxes() throws Exception {
    ReferenceSet wrn = ReferenceSets.load("cifar10-linf-8255-wrn34");
    List<RunPoint> runs =
        List.of(new RunPoint("phi=30", 86.9, 52.5), new RunPoint("phi=45", 89.1, 48.0));
    Path png = dir.resolve("plane.png");
    Path svg = dir.resolve("nested/plane.svg");

    PlanePlot.write(wrn.points(), wrn.fitCurve(), runs, png, svg);

    assertPng(png);
    String text = svgText(svg);
    for (String label :
        List.of(
            "TRADES",
            "LAS-AT",
            "PGD-AT",
            "phi=30",
            "phi=45",
            PlanePlot.X_LABEL,
            PlanePlot.Y_LABEL,
            "Reference curve (degree 2)",
            "Linear extension (extrapolated)")) {
      assertTrue(text.contains(label), "SVG lacks '" + label + "'");
    }
  }

  @Test
  void theSameFigureRenderedTwiceIsTheSameFileAndItsIdsNameTheFile() throws Exception {
    ReferenceSet wrn = ReferenceSets.load("cifar10-linf-8255-wrn34");
    List<RunPoint> runs = List.of(RunPoint.measured("phi=30", 86.9, 52.5, 1000));
    Path first = dir.resolve("first/tradeoff plane.svg");
    Path second = dir.resolve("second/tradeoff plane.svg");

    PlanePlot.write(wrn.points(), wrn.fitCurve(), runs, null, first);
    PlanePlot.write(wrn.points(), wrn.fitCurve(), runs, null, second);

    assertEquals(Files.readString(first), Files.readString(second));
    String text = Files.readString(first);
    assertTrue(text.contains("url(#_tradeoff-plane-clip-"), "clip ids are named after the file");
  }

  @Test
  void measuredPointsCarryTheirWilsonIntervalsAsErrorBarsOnBothAxes() throws Exception {
    RunPoint small = RunPoint.measured("arrest phi=30", 84.5, 56.5, 200);
    RunPoint large = RunPoint.measured("aft", 78.0, 59.3, 10000);
    List<ReferencePoint> own =
        List.of(
            new ReferencePoint(
                "at", 83.0, 70.0, "this sweep", ConfidenceIntervals.wilson(83, 70, 200)),
            new ReferencePoint(
                "trades beta=1",
                86.0,
                64.5,
                "this sweep",
                ConfidenceIntervals.wilson(86, 64.5, 200)));
    Path svg = dir.resolve("bars.svg");

    PlanePlot.write(own, TradeoffCurve.fit(own, 1), List.of(small, large), null, svg);

    assertTrue(
        svgText(svg).contains(PlanePlot.ERROR_BARS_NOTE), "the figure says what the bars are");
    Element root = svgRoot(svg);
    List<Bar> runLines = lines(root, ChartFiles.RUN_COLOR);
    assertEquals(2 * 6, runLines.size(), "two bars and four caps per point");
    // Caps are 5 px long. Left to right: aft (78.0 %), arrest (84.5 %); top to bottom (SVG y grows
    // downwards): aft (59.3 %), arrest (56.5 %).
    List<Bar> vertical =
        runLines.stream()
            .filter(b -> b.x1() == b.x2() && b.length() > 6)
            .sorted(java.util.Comparator.comparingDouble(Bar::x1))
            .toList();
    List<Bar> horizontal =
        runLines.stream()
            .filter(b -> b.y1() == b.y2() && b.length() > 6)
            .sorted(java.util.Comparator.comparingDouble(Bar::y1))
            .toList();
    List<RunPoint> order = List.of(large, small);
    for (int i = 0; i < 2; i++) {
      RunPoint run = order.get(i);
      Bar h = horizontal.get(i);
      Bar v = vertical.get(i);
      assertTrue(
          h.x1() < v.x1() && v.x1() < h.x2() && v.y1() < h.y1() && h.y1() < v.y2(),
          run.label() + ": the bars cross at the point");
      Interval standard = run.intervals().standard();
      Interval robust = run.intervals().robust();
      // Wilson intervals are asymmetric: the point splits each bar as it splits its interval.
      assertEquals(
          (run.standardAccuracy() - standard.from()) / standard.width(),
          (v.x1() - h.x1()) / (h.x2() - h.x1()),
          1e-3,
          run.label() + ": horizontal bar");
      assertEquals(
          (robust.to() - run.robustAccuracy()) / robust.width(),
          (h.y1() - v.y1()) / (v.y2() - v.y1()),
          1e-3,
          run.label() + ": vertical bar");
    }
    // One scale per axis: bars are in the ratio of the interval widths (n = 200 against 10 000).
    assertEquals(
        small.intervals().standard().width() / large.intervals().standard().width(),
        horizontal.get(1).length() / horizontal.get(0).length(),
        1e-3);
    assertEquals(
        small.intervals().robust().width() / large.intervals().robust().width(),
        vertical.get(1).length() / vertical.get(0).length(),
        1e-3);
    assertEquals(
        2 * 6, lines(root, ChartFiles.REFERENCE_COLOR).size(), "two bars and four caps per point");
  }

  /** Labels are clipped to the plot: the most accurate point's label goes left of it. */
  @Test
  void everyPointLabelFitsInsideThePlot() throws Exception {
    List<ReferencePoint> own =
        List.of(
            new ReferencePoint("scratch-30/at", 84.85, 78.03, "this sweep"),
            new ReferencePoint("scratch-30/trades beta=1", 88.24, 73.96, "this sweep"));
    List<RunPoint> runs = List.of(new RunPoint("finetune-2/aft", 76.05, 62.25));
    Path svg = dir.resolve("edge.svg");

    PlanePlot.write(own, TradeoffCurve.fit(own, 1), runs, null, svg);

    Element root = svgRoot(svg);
    Map<String, double[]> clips = new LinkedHashMap<>();
    org.w3c.dom.NodeList paths = root.getElementsByTagName("clipPath");
    for (int i = 0; i < paths.getLength(); i++) {
      Element clip = (Element) paths.item(i);
      double[] xs =
          Arrays.stream(
                  ((Element) clip.getElementsByTagName("path").item(0))
                      .getAttribute("d")
                      .split("[MLZ]"))
              .filter(part -> !part.isBlank())
              .mapToDouble(part -> Double.parseDouble(part.split(",")[0]))
              .toArray();
      clips.put(
          "url(#" + clip.getAttribute("id") + ")",
          new double[] {
            Arrays.stream(xs).min().orElseThrow(), Arrays.stream(xs).max().orElseThrow()
          });
    }
    List<String> pointLabels =
        java.util.stream.Stream.concat(
                own.stream().map(ReferencePoint::method), runs.stream().map(RunPoint::label))
            .toList();
    java.awt.font.FontRenderContext context = new java.awt.font.FontRenderContext(null, true, true);
    org.w3c.dom.NodeList texts = root.getElementsByTagName("text");
    List<String> checked = new java.util.ArrayList<>();
    for (int i = 0; i < texts.getLength(); i++) {
      Element text = (Element) texts.item(i);
      String label = text.getTextContent();
      if (!pointLabels.contains(label)) {
        continue;
      }
      double[] plot = clips.get(text.getAttribute("clip-path"));
      int style =
          text.getAttribute("style").contains("bold") ? java.awt.Font.BOLD : java.awt.Font.PLAIN;
      double width =
          new java.awt.Font(java.awt.Font.SANS_SERIF, style, 11)
              .getStringBounds(label, context)
              .getWidth();
      double x = Double.parseDouble(text.getAttribute("x"));
      assertTrue(
          x >= plot[0] && x + width <= plot[1] + 1,
          label
              + " spans ["
              + x
              + ", "
              + (x + width)
              + "], the plot ["
              + plot[0]
              + ", "
              + plot[1]
              + "]");
      checked.add(label);
    }
    assertEquals(pointLabels, checked);
  }

  @Test
  void pointsWithoutIntervalsGetNoErrorBars() throws Exception {
    ReferenceSet published = ReferenceSets.load("cifar10-linf-8255-wrn34");
    Path svg = dir.resolve("plain.svg");

    PlanePlot.write(
        published.points(),
        published.fitCurve(),
        List.of(new RunPoint("phi=30", 86.9, 52.5)),
        null,
        svg);

    assertFalse(svgText(svg).contains(PlanePlot.ERROR_BARS_NOTE));
    assertEquals(List.of(), lines(svgRoot(svg), ChartFiles.RUN_COLOR));
    assertEquals(List.of(), lines(svgRoot(svg), ChartFiles.REFERENCE_COLOR));
  }

  private record Bar(double x1, double y1, double x2, double y2) {
    /** Ordered so that x1 <= x2 and y1 <= y2. */
    Bar {
      double left = Math.min(x1, x2);
      double right = Math.max(x1, x2);
      double top = Math.min(y1, y2);
      double bottom = Math.max(y1, y2);
      x1 = left;
      x2 = right;
      y1 = top;
      y2 = bottom;
    }

    double length() {
      return Math.max(x2 - x1, y2 - y1);
    }
  }

  private static Element svgRoot(Path svg) throws Exception {
    return DocumentBuilderFactory.newInstance()
        .newDocumentBuilder()
        .parse(svg.toFile())
        .getDocumentElement();
  }

  /** Every straight line stroked in the colour. */
  private static List<Bar> lines(Element root, java.awt.Color color) {
    List<Bar> bars = new java.util.ArrayList<>();
    org.w3c.dom.NodeList nodes = root.getElementsByTagName("line");
    for (int i = 0; i < nodes.getLength(); i++) {
      Element line = (Element) nodes.item(i);
      if (line.getAttribute("style").contains("stroke:" + svgColor(color))) {
        bars.add(
            new Bar(
                Double.parseDouble(line.getAttribute("x1")),
                Double.parseDouble(line.getAttribute("y1")),
                Double.parseDouble(line.getAttribute("x2")),
                Double.parseDouble(line.getAttribute("y2"))));
      }
    }
    return bars;
  }

  @Test
  void planePlotWithoutCurveOrRunsDrawsAndNamesOnlyThePoints() throws Exception {
    Path svg = dir.resolve("points.svg");
    PlanePlot.write(ReferenceSets.load("cifar10-linf-8255").points(), null, List.of(), null, svg);
    String text = svgText(svg);
    assertTrue(text.contains("Standard training"));
    assertFalse(text.contains(">Runs<"), "legend names runs that are not drawn");
    assertFalse(text.contains("Reference curve"), "legend names a curve that is not drawn");
    assertFalse(Files.exists(dir.resolve("points.png")));
  }

  @Test
  void curvesPlotWritesStackedPanels() throws Exception {
    Map<String, double[]> losses = new LinkedHashMap<>();
    losses.put("CE loss", new double[] {2.1, 1.7, 1.5, 1.4});
    losses.put("RGKD loss", new double[] {0.30, 0.22, Double.NaN, 0.18});
    Map<String, double[]> accuracy = new LinkedHashMap<>();
    accuracy.put("Clean train accuracy", new double[] {60, 70, 75, 78});
    accuracy.put("Adversarial train accuracy", new double[] {30, 38, 42, 44});
    Path png = dir.resolve("curves.png");
    Path svg = dir.resolve("curves.svg");

    CurvesPlot.write(
        "Training curves",
        "Epoch",
        List.of(
            new CurvesPlot.Panel("Loss", losses),
            new CurvesPlot.Panel(
                "Rate", Map.of("NR switch rate", new double[] {0.4, 0.3, 0.25, 0.2})),
            new CurvesPlot.Panel("Accuracy (%)", accuracy)),
        png,
        svg);

    assertPng(png);
    String text = svgText(svg);
    for (String label :
        List.of(
            "Training curves",
            "Epoch",
            "Loss",
            "Rate",
            "Accuracy (%)",
            "CE loss",
            "RGKD loss",
            "NR switch rate",
            "Clean train accuracy",
            "Adversarial train accuracy")) {
      assertTrue(text.contains(label), "SVG lacks '" + label + "'");
    }
  }

  @Test
  void aSeriesNamedInTwoPanelsIsOneLegendEntryWithOneColour() throws Exception {
    Path svg = dir.resolve("compare.svg");
    Map<String, double[]> loss = new LinkedHashMap<>();
    loss.put("arrest phi=30", new double[] {2.0, 1.5});
    loss.put("arrest phi=45", new double[] {2.1, 1.6});
    Map<String, double[]> accuracy = new LinkedHashMap<>();
    accuracy.put("arrest phi=30", new double[] {30, 40});
    accuracy.put("arrest phi=45", new double[] {31, 42});

    CurvesPlot.write(
        "Points",
        "Epoch",
        List.of(new CurvesPlot.Panel("Loss", loss), new CurvesPlot.Panel("Accuracy (%)", accuracy)),
        null,
        svg);

    String text = svgText(svg);
    assertEquals(1, text.split(">arrest phi=30<", -1).length - 1, "legend lists the point once");
    assertEquals(1, text.split(">arrest phi=45<", -1).length - 1, "legend lists the point once");
    // Two points, so two series colours: each point's lines in both panels share its colour.
    String first = svgColor(ChartFiles.seriesColor(0));
    String second = svgColor(ChartFiles.seriesColor(1));
    String third = svgColor(ChartFiles.seriesColor(2));
    assertTrue(text.contains(first) && text.contains(second), "the two points' colours are drawn");
    assertFalse(text.contains(third), "a third colour means a point changed colour between panels");
  }

  private static String svgColor(java.awt.Color color) {
    return String.format("rgb(%d,%d,%d)", color.getRed(), color.getGreen(), color.getBlue());
  }

  @Test
  void singlePanelCurvesPlot() throws Exception {
    Path svg = dir.resolve("one.svg");
    CurvesPlot.write("Losses", "Epoch", Map.of("CE loss", new double[] {2.0, 1.5}), null, svg);
    assertTrue(svgText(svg).contains("CE loss"));
  }

  @Test
  void emptyInputsAndMissingPathsAreRejected() {
    assertThrows(
        IllegalArgumentException.class,
        () -> CurvesPlot.write("t", "Epoch", Map.of(), dir.resolve("a.png"), null));
    assertThrows(
        IllegalArgumentException.class,
        () -> CurvesPlot.write("t", "Epoch", List.of(), dir.resolve("a.png"), null));
    assertThrows(
        IllegalArgumentException.class,
        () -> PlanePlot.write(List.of(), null, List.of(), null, null));
  }

  @Test
  void chartsRenderHeadless() {
    assertEquals("true", System.getProperty("java.awt.headless"));
  }

  private static void assertPng(Path png) throws IOException {
    byte[] bytes = Files.readAllBytes(png);
    assertTrue(bytes.length > 1000, "PNG is only " + bytes.length + " bytes");
    assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(bytes, PNG_SIGNATURE.length));
  }

  /** Parses the SVG as XML, checks the root element, and returns the file's text. */
  private static String svgText(Path svg) throws Exception {
    String text = Files.readString(svg, StandardCharsets.UTF_8);
    // A DOCTYPE would send XML tools (and this parser) to the network for the W3C DTD.
    assertFalse(text.contains("<!DOCTYPE"), "SVG declares a DOCTYPE");
    Element root =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(svg.toFile())
            .getDocumentElement();
    assertEquals("svg", root.getTagName());
    assertEquals("http://www.w3.org/2000/svg", root.getAttribute("xmlns"));
    return text;
  }
}
