package dev.arrest.tradeoff;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Per-epoch training curves: value i of a series is drawn at epoch i + 1. Metrics of different
 * scales belong in different panels stacked over one shared epoch axis, e.g. "Loss" (CE, RGKD),
 * "Rate" (NR switch rate) and "Accuracy (%)" (clean and adversarial train accuracy). NaN values
 * leave a gap, for epochs where a metric was not measured.
 */
public final class CurvesPlot {

  /**
   * One panel.
   *
   * @param yLabel label of the panel's value axis
   * @param series series name to per-epoch values; iteration order is legend order
   */
  public record Panel(String yLabel, Map<String, double[]> series) {

    public Panel {
      Objects.requireNonNull(yLabel, "yLabel");
      if (series.isEmpty()) {
        throw new IllegalArgumentException("panel '" + yLabel + "' has no series");
      }
      Map<String, double[]> copy = new LinkedHashMap<>();
      series.forEach((name, values) -> copy.put(name, values.clone()));
      series = copy;
    }
  }

  private static final int WIDTH = 900;
  private static final int PANEL_HEIGHT = 280;
  private static final int TITLE_AND_LEGEND_HEIGHT = 120;

  private CurvesPlot() {}

  /** One chart with all series on one value axis. */
  public static void write(
      String title, String xLabel, Map<String, double[]> series, Path png, Path svg)
      throws IOException {
    write(title, xLabel, List.of(new Panel("", series)), png, svg);
  }

  /** Panels stacked top to bottom over a shared x (epoch) axis. */
  public static void write(String title, String xLabel, List<Panel> panels, Path png, Path svg)
      throws IOException {
    ChartFiles.ensureHeadless();
    if (panels.isEmpty()) {
      throw new IllegalArgumentException("a curves plot needs at least one panel");
    }
    NumberAxis epochAxis = new NumberAxis(xLabel);
    epochAxis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    epochAxis.setAutoRangeIncludesZero(false);
    CombinedDomainXYPlot combined = new CombinedDomainXYPlot(epochAxis);
    combined.setGap(12);
    Map<String, Integer> colorByName = new LinkedHashMap<>();
    for (Panel panel : panels) {
      combined.add(panelPlot(panel, colorByName));
    }
    JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, combined, true);
    ChartFiles.write(
        chart, WIDTH, TITLE_AND_LEGEND_HEIGHT + PANEL_HEIGHT * panels.size(), png, svg);
  }

  /**
   * @param colorByName palette index of every series name drawn so far: series get distinct colours
   *     across panels, and a name that reappears (e.g. one run's loss and accuracy in two panels)
   *     keeps its colour and is listed once in the legend
   */
  private static XYPlot panelPlot(Panel panel, Map<String, Integer> colorByName) {
    XYSeriesCollection dataset = new XYSeriesCollection();
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
    int index = 0;
    for (Map.Entry<String, double[]> entry : panel.series().entrySet()) {
      XYSeries series = new XYSeries(entry.getKey(), false, true);
      double[] values = entry.getValue();
      for (int epoch = 1; epoch <= values.length; epoch++) {
        double value = values[epoch - 1];
        series.add(epoch, Double.isNaN(value) ? null : value);
      }
      dataset.addSeries(series);
      Integer color = colorByName.get(entry.getKey());
      if (color == null) {
        colorByName.put(entry.getKey(), colorByName.size());
      } else {
        renderer.setSeriesVisibleInLegend(index, false);
      }
      renderer.setSeriesPaint(index, ChartFiles.seriesColor(colorByName.get(entry.getKey())));
      renderer.setSeriesStroke(index, new BasicStroke(1.8f));
      index++;
    }
    NumberAxis valueAxis = new NumberAxis(panel.yLabel());
    valueAxis.setAutoRangeIncludesZero(false);
    XYPlot plot = new XYPlot(dataset, null, valueAxis, renderer);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    return plot;
  }
}
