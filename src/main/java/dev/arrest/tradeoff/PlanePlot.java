package dev.arrest.tradeoff;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.labels.ItemLabelAnchor;
import org.jfree.chart.labels.ItemLabelPosition;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.PlotRenderingInfo;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.renderer.xy.XYItemRendererState;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYDataset;
import org.jfree.data.xy.XYIntervalSeries;
import org.jfree.data.xy.XYIntervalSeriesCollection;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The accuracy-robustness plane: reference points labelled by method, the fitted reference curve
 * over its range (dashed where it is extended to reach runs outside that range), and the runs
 * highlighted. Points that carry {@link ConfidenceIntervals} get error bars on both axes, so that
 * differences the intervals do not support are not read into the picture.
 */
public final class PlanePlot {

  static final String X_LABEL = "Standard accuracy (%)";
  static final String Y_LABEL = "Robust accuracy (%)";
  static final String ERROR_BARS_NOTE = "Error bars: 95 % Wilson intervals of both accuracies";
  private static final int WIDTH = 900;
  private static final int HEIGHT = 650;
  private static final int CURVE_SAMPLES = 200;

  private PlanePlot() {}

  /**
   * @param referencePoints points to draw, e.g. {@link ReferenceSet#points()}; may be empty
   * @param referenceCurve curve to draw, or null for none
   * @param runs runs to highlight; may be empty
   * @param png PNG file to write, or null for none
   * @param svg SVG file to write, or null for none (at least one of png and svg)
   */
  public static void write(
      List<ReferencePoint> referencePoints,
      TradeoffCurve referenceCurve,
      List<RunPoint> runs,
      Path png,
      Path svg)
      throws IOException {
    ChartFiles.ensureHeadless();
    Objects.requireNonNull(referencePoints, "referencePoints");
    Objects.requireNonNull(runs, "runs");
    ChartFiles.write(chart(referencePoints, referenceCurve, runs), WIDTH, HEIGHT, png, svg);
  }

  private static JFreeChart chart(
      List<ReferencePoint> referencePoints, TradeoffCurve curve, List<RunPoint> runs) {
    NumberAxis xAxis = new NumberAxis(X_LABEL);
    NumberAxis yAxis = new NumberAxis(Y_LABEL);
    xAxis.setAutoRangeIncludesZero(false);
    yAxis.setAutoRangeIncludesZero(false);
    // Labels sit above and right of their points; leave room for those of the rightmost points
    // (a label that would still run past the edge goes left of its point: PointLabelRenderer).
    xAxis.setUpperMargin(0.15);
    XYPlot plot = new XYPlot();
    plot.setDomainAxis(xAxis);
    plot.setRangeAxis(yAxis);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);

    // Drawn in index order, later on top: runs over reference points over the curve.
    // Empty groups are left out so that the legend only names what is drawn.
    int index = 0;
    if (!runs.isEmpty()) {
      XYSeries runSeries = new XYSeries("Runs", false, true);
      runs.forEach(run -> runSeries.add(run.standardAccuracy(), run.robustAccuracy()));
      plot.setDataset(index, new XYSeriesCollection(runSeries));
      plot.setRenderer(
          index++,
          labelledPoints(
              ChartFiles.RUN_COLOR,
              11,
              mergedLabels(
                  runs.stream()
                      .map(r -> List.of(r.standardAccuracy(), r.robustAccuracy()))
                      .toList(),
                  runs.stream().map(RunPoint::label).toList()),
              Font.BOLD));
    }
    if (!referencePoints.isEmpty()) {
      XYSeries referenceSeries = new XYSeries("Reference points", false, true);
      referencePoints.forEach(
          point -> referenceSeries.add(point.standardAccuracy(), point.robustAccuracy()));
      plot.setDataset(index, new XYSeriesCollection(referenceSeries));
      plot.setRenderer(
          index++,
          labelledPoints(
              ChartFiles.REFERENCE_COLOR,
              7,
              mergedLabels(
                  referencePoints.stream()
                      .map(p -> List.of(p.standardAccuracy(), p.robustAccuracy()))
                      .toList(),
                  referencePoints.stream().map(ReferencePoint::method).toList()),
              Font.PLAIN));
    }

    // Under the points they belong to, over the curve.
    XYIntervalSeriesCollection runBars =
        errorBars(
            runs.stream().map(r -> bar(r.standardAccuracy(), r.robustAccuracy(), r.intervals())));
    XYIntervalSeriesCollection referenceBars =
        errorBars(
            referencePoints.stream()
                .map(p -> bar(p.standardAccuracy(), p.robustAccuracy(), p.intervals())));
    if (runBars != null) {
      plot.setDataset(index, runBars);
      plot.setRenderer(index++, errorBarRenderer(ChartFiles.RUN_COLOR));
    }
    if (referenceBars != null) {
      plot.setDataset(index, referenceBars);
      plot.setRenderer(index++, errorBarRenderer(ChartFiles.REFERENCE_COLOR));
    }

    if (curve != null) {
      plot.setDataset(index, curveSeries(curve, runs));
      plot.setRenderer(index, curveRenderer());
    }
    String title =
        curve == null
            ? "Accuracy-robustness plane"
            : "Accuracy-robustness plane, reference " + curve.reference();
    JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
    if (runBars != null || referenceBars != null) {
      chart.addSubtitle(new TextTitle(ERROR_BARS_NOTE, new Font(Font.SANS_SERIF, Font.PLAIN, 11)));
    }
    return chart;
  }

  /** x, its interval, y, its interval; null for a point without intervals. */
  private static double[] bar(double x, double y, ConfidenceIntervals intervals) {
    if (intervals == null) {
      return null;
    }
    return new double[] {
      x,
      intervals.standard().from(),
      intervals.standard().to(),
      y,
      intervals.robust().from(),
      intervals.robust().to()
    };
  }

  /** One series of the points' intervals, or null when no point has any. */
  static XYIntervalSeriesCollection errorBars(Stream<double[]> bars) {
    XYIntervalSeries series = new XYIntervalSeries(ERROR_BARS_NOTE, false, true);
    bars.filter(Objects::nonNull).forEach(b -> series.add(b[0], b[1], b[2], b[3], b[4], b[5]));
    if (series.getItemCount() == 0) {
      return null;
    }
    XYIntervalSeriesCollection collection = new XYIntervalSeriesCollection();
    collection.addSeries(series);
    return collection;
  }

  /** Bars and caps only: the points themselves are drawn by their own renderer. */
  private static XYErrorRenderer errorBarRenderer(Color color) {
    XYErrorRenderer renderer = new XYErrorRenderer();
    renderer.setDefaultLinesVisible(false);
    renderer.setDefaultShapesVisible(false);
    renderer.setSeriesVisibleInLegend(0, false);
    renderer.setErrorPaint(color);
    renderer.setErrorStroke(new BasicStroke(1f));
    renderer.setCapLength(5);
    return renderer;
  }

  /**
   * Points at the same coordinates would print their labels on top of each other: the first of them
   * gets all their labels, joined with commas, the others none (null).
   */
  static List<String> mergedLabels(List<List<Double>> coordinates, List<String> labels) {
    Map<List<Double>, Integer> first = new HashMap<>();
    List<String> merged = new ArrayList<>(labels);
    for (int i = 0; i < labels.size(); i++) {
      Integer owner = first.putIfAbsent(coordinates.get(i), i);
      if (owner != null) {
        merged.set(owner, merged.get(owner) + ", " + labels.get(i));
        merged.set(i, null);
      }
    }
    return merged;
  }

  private static XYLineAndShapeRenderer labelledPoints(
      Color color, double size, List<String> labels, int fontStyle) {
    XYLineAndShapeRenderer renderer = new PointLabelRenderer();
    renderer.setSeriesPaint(0, color);
    renderer.setSeriesShape(0, new Ellipse2D.Double(-size / 2, -size / 2, size, size));
    // Series keep insertion order (no auto-sort), so item i is labels.get(i).
    renderer.setDefaultItemLabelGenerator((dataset, series, item) -> labels.get(item));
    renderer.setDefaultItemLabelsVisible(true);
    renderer.setDefaultItemLabelFont(new Font(Font.SANS_SERIF, fontStyle, 11));
    renderer.setDefaultItemLabelPaint(color);
    return renderer;
  }

  /**
   * Points with their labels above and right of them, or above and left where the label would run
   * past the plot's right edge (where it is cut off), e.g. for the most accurate point.
   */
  private static final class PointLabelRenderer extends XYLineAndShapeRenderer {
    private static final ItemLabelPosition RIGHT =
        new ItemLabelPosition(ItemLabelAnchor.OUTSIDE2, TextAnchor.BOTTOM_LEFT);
    private static final ItemLabelPosition LEFT =
        new ItemLabelPosition(ItemLabelAnchor.OUTSIDE10, TextAnchor.BOTTOM_RIGHT);

    private transient Rectangle2D dataArea;
    private transient boolean labelOnLeft;

    PointLabelRenderer() {
      super(false, true);
    }

    @Override
    public XYItemRendererState initialise(
        Graphics2D g2,
        Rectangle2D dataArea,
        XYPlot plot,
        XYDataset dataset,
        PlotRenderingInfo info) {
      this.dataArea = dataArea;
      return super.initialise(g2, dataArea, plot, dataset, info);
    }

    @Override
    protected void drawItemLabel(
        Graphics2D g2,
        PlotOrientation orientation,
        XYDataset dataset,
        int series,
        int item,
        double x,
        double y,
        boolean negative) {
      String label = getItemLabelGenerator(series, item).generateLabel(dataset, series, item);
      double width =
          label == null ? 0 : g2.getFontMetrics(getItemLabelFont(series, item)).stringWidth(label);
      double reach = getItemLabelAnchorOffset() + width;
      labelOnLeft =
          dataArea != null && x + reach > dataArea.getMaxX() && x - reach >= dataArea.getMinX();
      super.drawItemLabel(g2, orientation, dataset, series, item, x, y, negative);
    }

    @Override
    public ItemLabelPosition getPositiveItemLabelPosition(int series, int item) {
      return labelOnLeft ? LEFT : RIGHT;
    }
  }

  /**
   * Series 0: the fit over its range. Series 1: the linear extension out to runs beyond the range.
   */
  private static XYSeriesCollection curveSeries(TradeoffCurve curve, List<RunPoint> runs) {
    Interval range = curve.standardRange();
    XYSeries fitted =
        new XYSeries(
            String.format(Locale.ROOT, "Reference curve (degree %d)", curve.degree()), false, true);
    for (int i = 0; i <= CURVE_SAMPLES; i++) {
      double x = range.from() + range.width() * i / CURVE_SAMPLES;
      fitted.add(x, curve.robustAt(x));
    }
    XYSeriesCollection collection = new XYSeriesCollection(fitted);
    double lowest =
        runs.stream().mapToDouble(RunPoint::standardAccuracy).min().orElse(range.from());
    double highest = runs.stream().mapToDouble(RunPoint::standardAccuracy).max().orElse(range.to());
    if (lowest < range.from() || highest > range.to()) {
      XYSeries extension = new XYSeries("Linear extension (extrapolated)", false, true);
      // A null y breaks the line, so the two sides of the range are drawn separately.
      extension.add(Math.min(lowest, range.from()), curve.robustAt(Math.min(lowest, range.from())));
      extension.add(range.from(), curve.robustAt(range.from()));
      extension.add(0.5 * (range.from() + range.to()), null);
      extension.add(range.to(), curve.robustAt(range.to()));
      extension.add(Math.max(highest, range.to()), curve.robustAt(Math.max(highest, range.to())));
      collection.addSeries(extension);
    }
    return collection;
  }

  private static XYLineAndShapeRenderer curveRenderer() {
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
    renderer.setSeriesPaint(0, ChartFiles.CURVE_COLOR);
    renderer.setSeriesStroke(0, new BasicStroke(2f));
    renderer.setSeriesPaint(1, ChartFiles.CURVE_COLOR);
    renderer.setSeriesStroke(
        1,
        new BasicStroke(
            1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
    return renderer;
  }
}
