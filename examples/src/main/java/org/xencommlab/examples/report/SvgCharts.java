package org.xencommlab.examples.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.awt.geom.Rectangle2D;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Locale;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;

/**
 * JFreeChart charts drawn to inline SVG with JFreeSVG. Deterministic: fixed fonts, colours and
 * number formats (never the JVM's locale), and SVG definition ids prefixed with the chart's id
 * rather than JFreeSVG's time-based default, so the same data gives the same bytes.
 */
final class SvgCharts {
    static final int WIDTH = 470;

    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 13);
    private static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
    private static final Font TICK = new Font(Font.SANS_SERIF, Font.PLAIN, 10);
    private static final Color GRID = new Color(0xD0D0D0);
    private static final Paint[] SERIES = {
        new Color(0x4E79A7), new Color(0xF28E2B), new Color(0x59A14F), new Color(0xE15759), new Color(0x76B7B2),
        new Color(0xEDC948), new Color(0xB07AA1), new Color(0xFF9DA7), new Color(0x9C755F), new Color(0xBAB0AC),
        new Color(0x2F4B7C), new Color(0xA05195), new Color(0x665191), new Color(0xD45087), new Color(0x003F5C),
        new Color(0x7A5195), new Color(0xEF5675), new Color(0xFFA600), new Color(0x58508D), new Color(0x8C8C8C),
    };

    private SvgCharts() {}

    /**
     * Horizontal bars, one group per category (configuration), one bar per series (metric), or
     * one stacked bar per category when {@code stacked}.
     */
    static String bars(String id, String title, String valueLabel, DefaultCategoryDataset dataset, boolean stacked) {
        JFreeChart chart = stacked
                ? ChartFactory.createStackedBarChart(title, null, valueLabel, dataset, PlotOrientation.HORIZONTAL,
                        true, false, false)
                : ChartFactory.createBarChart(title, null, valueLabel, dataset, PlotOrientation.HORIZONTAL,
                        dataset.getRowCount() > 1, false, false);
        CategoryPlot plot = chart.getCategoryPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(GRID);
        plot.setOutlineVisible(false);
        CategoryAxis categories = plot.getDomainAxis();
        categories.setMaximumCategoryLabelWidthRatio(0.45f);
        categories.setTickLabelFont(TICK);
        categories.setCategoryMargin(0.15);
        NumberAxis values = (NumberAxis) plot.getRangeAxis();
        style(values);
        BarRenderer renderer = (BarRenderer) plot.getRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setItemMargin(0.05);
        renderer.setDrawBarOutline(false);
        for (int series = 0; series < dataset.getRowCount(); series++) {
            renderer.setSeriesPaint(series, SERIES[series % SERIES.length]);
        }
        int rows = dataset.getColumnCount() * (stacked ? 1 : Math.max(1, dataset.getRowCount()));
        int legendRows = chart.getLegend() == null ? 0 : (dataset.getRowCount() + 2) / 3;
        int height = 80 + rows * (stacked ? 20 : 14) + dataset.getColumnCount() * 6 + legendRows * 16;
        finish(chart);
        return draw(id, chart, WIDTH, height);
    }

    /** Lines with point markers: one series per configuration, x the swept size. */
    static String lines(String id, String title, String xLabel, String yLabel, XYSeriesCollection dataset) {
        JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, yLabel, dataset, PlotOrientation.VERTICAL,
                true, false, false);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(GRID);
        plot.setDomainGridlinePaint(GRID);
        plot.setOutlineVisible(false);
        style((NumberAxis) plot.getDomainAxis());
        style((NumberAxis) plot.getRangeAxis());
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        for (int series = 0; series < dataset.getSeriesCount(); series++) {
            renderer.setSeriesPaint(series, SERIES[series % SERIES.length]);
            renderer.setSeriesStroke(series, new BasicStroke(1.6f));
        }
        plot.setRenderer(renderer);
        int legendRows = (dataset.getSeriesCount() + 2) / 3;
        finish(chart);
        return draw(id, chart, WIDTH, 300 + legendRows * 16);
    }

    private static void style(NumberAxis axis) {
        axis.setStandardTickUnits(NumberAxis.createStandardTickUnits());
        axis.setNumberFormatOverride(new DecimalFormat("#,##0.##", DecimalFormatSymbols.getInstance(Locale.ROOT)));
        axis.setTickLabelFont(TICK);
        axis.setLabelFont(LABEL);
        axis.setAutoRangeIncludesZero(true);
    }

    private static void finish(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.getTitle().setFont(TITLE);
        LegendTitle legend = chart.getLegend();
        if (legend != null) {
            legend.setItemFont(TICK);
            legend.setFrame(org.jfree.chart.block.BlockBorder.NONE);
        }
    }

    private static String draw(String id, JFreeChart chart, int width, int height) {
        SVGGraphics2D g2 = new SVGGraphics2D(width, height);
        g2.setDefsKeyPrefix(id + "-");
        chart.draw(g2, new Rectangle2D.Double(0, 0, width, height));
        g2.dispose();
        return g2.getSVGElement(id);
    }
}
