package dev.arrest.tradeoff;

import java.awt.Color;
import java.awt.Rectangle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.text.TextUtils;
import org.jfree.svg.SVGGraphics2D;

/** Writes charts as PNG and SVG, without a display. */
final class ChartFiles {

  static {
    // Before the colours below: the first AWT class to load fixes headless mode for the JVM.
    ensureHeadless();
  }

  static final Color RUN_COLOR = new Color(0xC0, 0x1C, 0x28);
  static final Color REFERENCE_COLOR = new Color(0x35, 0x5C, 0x9A);
  static final Color CURVE_COLOR = new Color(0x4D, 0x4D, 0x4D);

  /**
   * Okabe-Ito colours: distinguishable with the common colour-vision deficiencies and in grey
   * print.
   */
  private static final Color[] SERIES_COLORS = {
    new Color(0x00, 0x72, 0xB2), new Color(0xD5, 0x5E, 0x00), new Color(0x00, 0x9E, 0x73),
    new Color(0xCC, 0x79, 0xA7), new Color(0xE6, 0x9F, 0x00), new Color(0x56, 0xB4, 0xE9),
    new Color(0x00, 0x00, 0x00), new Color(0xF0, 0xE4, 0x42),
  };

  private ChartFiles() {}

  /**
   * Selects headless AWT unless the caller chose otherwise (-Djava.awt.headless=false is
   * respected), so charts render on CI machines and in containers, where a DISPLAY may be set with
   * no X server behind it. Call before touching any AWT class.
   */
  static void ensureHeadless() {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  static Color seriesColor(int index) {
    return SERIES_COLORS[index % SERIES_COLORS.length];
  }

  /** Writes the chart to whichever of png and svg is non-null; at least one must be. */
  static void write(JFreeChart chart, int width, int height, Path png, Path svg)
      throws IOException {
    if (png == null && svg == null) {
      throw new IllegalArgumentException("give a PNG path, an SVG path or both");
    }
    chart.setBackgroundPaint(Color.WHITE);
    if (png != null) {
      createParent(png);
      ChartUtils.saveChartAsPNG(png.toFile(), chart, width, height);
    }
    if (svg != null) {
      createParent(svg);
      // JFreeChart draws rotated labels (the y axis titles) as glyph outlines by default, a
      // workaround for a JDK 1.3 bug; plain rotated text keeps them searchable text in the SVG.
      TextUtils.setUseDrawRotatedStringWorkaround(false);
      SVGGraphics2D graphics = new SVGGraphics2D(width, height);
      graphics.setDefsKeyPrefix(defsKeyPrefix(svg));
      chart.draw(graphics, new Rectangle(0, 0, width, height));
      // Not SVGUtils.writeToSVG: its DOCTYPE names the W3C DTD, which XML tools then try to
      // download.
      Files.writeString(
          svg,
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + graphics.getSVGElement() + "\n",
          StandardCharsets.UTF_8);
    }
  }

  /**
   * The prefix of the SVG's clip-path ids. JFreeSVG's default is the clock ({@code
   * System.nanoTime()}), which rewrites every id of a figure that is rendered again from the same
   * data; the file's name keeps a figure byte-reproducible and still keeps the ids of different
   * figures inlined into one HTML page apart.
   */
  static String defsKeyPrefix(Path svg) {
    String name = svg.getFileName().toString();
    String stem = name.endsWith(".svg") ? name.substring(0, name.length() - 4) : name;
    return "_" + stem.replaceAll("[^A-Za-z0-9_-]", "-") + "-";
  }

  private static void createParent(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
  }
}
