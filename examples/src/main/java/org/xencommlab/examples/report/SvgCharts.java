package org.xencommlab.examples.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.awt.geom.Rectangle2D;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.category.StatisticalBarRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.statistics.DefaultStatisticalCategoryDataset;
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

    /** The colour of error bars (95% confidence intervals), the same in every chart. */
    static final Color ERROR_BAR = new Color(0x111111);
    /** The fill of a failed configuration's bars: grey, so it cannot pass for a cheap result. */
    static final Color FAILED = new Color(0xC8C8C8);
    /** Values spanning more than this ratio get a logarithmic axis. */
    static final double LOG_SPAN = 100;

    /**
     * Horizontal bars with 95% confidence error bars: one group per category (configuration), one
     * bar per series (metric); categories in {@code failed} are drawn grey. {@code colours} fixes a
     * series' colour by name (others take the palette in order); {@code counts} asks for integer ticks.
     */
    static String bars(String id, String title, String valueLabel, DefaultStatisticalCategoryDataset dataset,
            Set<String> failed, Map<String, ? extends Paint> colours, boolean counts) {
        ValueAxis axis = valueAxis(valueLabel, values(dataset), counts);
        boolean log = axis instanceof LogAxis;
        double base = log ? ((LogAxis) axis).getSmallestValue() : 0;
        DefaultStatisticalCategoryDataset shown = dataset;
        if (log) {
            // On a log axis nothing may reach 0: bars start at the axis base and error bars stop there.
            shown = new DefaultStatisticalCategoryDataset();
            for (int row = 0; row < dataset.getRowCount(); row++) {
                for (int column = 0; column < dataset.getColumnCount(); column++) {
                    Number mean = dataset.getMeanValue(row, column);
                    Number half = dataset.getStdDevValue(row, column);
                    double m = Math.max(mean == null ? 0 : mean.doubleValue(), base);
                    double h = Math.min(half == null ? 0 : half.doubleValue(), Math.max(0, m - base));
                    shown.add(m, h, dataset.getRowKey(row), dataset.getColumnKey(column));
                }
            }
        }
        CategoryAxis categories = new CategoryAxis(null);
        StatisticalBarRenderer renderer = new StatisticalBarRenderer() {
            @Override
            public Paint getItemPaint(int row, int column) {
                return failed.contains(getPlot().getDataset().getColumnKey(column).toString())
                        ? FAILED : super.getItemPaint(row, column);
            }
        };
        CategoryPlot plot = new CategoryPlot(shown, categories, axis, renderer);
        plot.setOrientation(PlotOrientation.HORIZONTAL);
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, dataset.getRowCount() > 1);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(GRID);
        plot.setOutlineVisible(false);
        categories.setMaximumCategoryLabelWidthRatio(0.45f);
        categories.setTickLabelFont(TICK);
        categories.setCategoryMargin(0.15);
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setItemMargin(0.05);
        renderer.setDrawBarOutline(false);
        renderer.setErrorIndicatorPaint(ERROR_BAR);
        renderer.setErrorIndicatorStroke(new BasicStroke(1.2f));
        if (log) {
            renderer.setBase(base);
        }
        paint(dataset, colours, renderer::setSeriesPaint);
        int rows = dataset.getColumnCount() * Math.max(1, dataset.getRowCount());
        int legendRows = chart.getLegend() == null ? 0 : (dataset.getRowCount() + 2) / 3;
        int height = 80 + rows * 14 + dataset.getColumnCount() * 6 + legendRows * 16;
        finish(chart);
        return draw(id, chart, WIDTH, height);
    }

    /** One stacked bar per category: each series' share in percent, colours fixed by {@code colours}. */
    static String shares(String id, String title, DefaultCategoryDataset dataset, Set<String> failed,
            Map<String, ? extends Paint> colours) {
        JFreeChart chart = ChartFactory.createStackedBarChart(title, null, "% of modelled time", dataset,
                PlotOrientation.HORIZONTAL, true, false, false);
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
        values.setRange(0, 100);
        BarRenderer renderer = (BarRenderer) plot.getRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setDrawBarOutline(false);
        paint(dataset, colours, renderer::setSeriesPaint);
        int legendRows = (dataset.getRowCount() + 2) / 3;
        int height = 80 + dataset.getColumnCount() * 26 + legendRows * 16;
        finish(chart);
        return draw(id, chart, WIDTH, height);
    }

    /**
     * Lines with point markers: one series per configuration, x the swept size; a point in
     * {@code failed} (series key to x values) is drawn as a large grey cross. Axes go logarithmic
     * when their values span more than {@link #LOG_SPAN}.
     */
    static String lines(String id, String title, String xLabel, String yLabel, XYSeriesCollection dataset,
            Map<String, Set<Double>> failed, boolean counts) {
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (int series = 0; series < dataset.getSeriesCount(); series++) {
            for (int item = 0; item < dataset.getItemCount(series); item++) {
                xs.add(dataset.getXValue(series, item));
                ys.add(dataset.getYValue(series, item));
            }
        }
        ValueAxis xAxis = valueAxis(xLabel, xs, true);
        ValueAxis yAxis = valueAxis(yLabel, ys, counts);
        java.awt.geom.Path2D.Double cross = new java.awt.geom.Path2D.Double();
        cross.moveTo(-5, -5);
        cross.lineTo(5, 5);
        cross.moveTo(-5, 5);
        cross.lineTo(5, -5);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true) {
            @Override
            public java.awt.Shape getItemShape(int series, int item) {
                return isFailed(series, item) ? cross : super.getItemShape(series, item);
            }

            @Override
            public Paint getItemPaint(int series, int item) {
                return isFailed(series, item) ? FAILED_POINT : super.getItemPaint(series, item);
            }

            @Override
            public boolean getItemShapeFilled(int series, int item) {
                return !isFailed(series, item) && super.getItemShapeFilled(series, item);
            }

            private boolean isFailed(int series, int item) {
                Set<Double> at = failed.get(dataset.getSeriesKey(series).toString());
                return at != null && at.contains(dataset.getXValue(series, item));
            }
        };
        renderer.setUseOutlinePaint(false);
        for (int series = 0; series < dataset.getSeriesCount(); series++) {
            renderer.setSeriesPaint(series, SERIES[series % SERIES.length]);
            renderer.setSeriesStroke(series, new BasicStroke(1.6f));
        }
        XYPlot plot = new XYPlot(dataset, xAxis, yAxis, renderer);
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(GRID);
        plot.setDomainGridlinePaint(GRID);
        plot.setOutlineVisible(false);
        int legendRows = (dataset.getSeriesCount() + 2) / 3;
        finish(chart);
        return draw(id, chart, WIDTH, 300 + legendRows * 16);
    }

    /** The colour of a failed sweep point's cross. */
    static final Color FAILED_POINT = new Color(0xB00020);

    /** A linear axis, or a logarithmic one when the positive values span more than {@link #LOG_SPAN}. */
    static ValueAxis valueAxis(String label, List<Double> values, boolean counts) {
        double max = values.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        double minPositive = values.stream().mapToDouble(Double::doubleValue).filter(v -> v > 0).min().orElse(0);
        if (minPositive > 0 && max / minPositive > LOG_SPAN) {
            LogAxis axis = new LogAxis(label + " (log scale)");
            double base = Math.pow(10, Math.floor(Math.log10(minPositive)));
            axis.setSmallestValue(counts ? Math.max(1, base) : base);
            axis.setBase(10);
            axis.setNumberFormatOverride(new DecimalFormat("#,##0.##", DecimalFormatSymbols.getInstance(Locale.ROOT)));
            axis.setTickLabelFont(TICK);
            axis.setLabelFont(LABEL);
            axis.setLowerBound(axis.getSmallestValue());
            axis.setUpperBound(max * 1.5);
            axis.setAutoRange(false);
            return axis;
        }
        NumberAxis axis = new NumberAxis(label);
        style(axis);
        if (counts) {
            axis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        }
        return axis;
    }

    /** Whether {@link #valueAxis} would choose a log scale for {@code values}. */
    static boolean logScale(List<Double> values) {
        double max = values.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        double minPositive = values.stream().mapToDouble(Double::doubleValue).filter(v -> v > 0).min().orElse(0);
        return minPositive > 0 && max / minPositive > LOG_SPAN;
    }

    private static List<Double> values(DefaultStatisticalCategoryDataset dataset) {
        List<Double> values = new ArrayList<>();
        for (int row = 0; row < dataset.getRowCount(); row++) {
            for (int column = 0; column < dataset.getColumnCount(); column++) {
                Number mean = dataset.getMeanValue(row, column);
                Number half = dataset.getStdDevValue(row, column);
                double m = mean == null ? 0 : mean.doubleValue();
                values.add(m);
                values.add(m + (half == null ? 0 : half.doubleValue()));
            }
        }
        return values;
    }

    private static void paint(org.jfree.data.category.CategoryDataset dataset, Map<String, ? extends Paint> colours,
            java.util.function.BiConsumer<Integer, Paint> setter) {
        int next = 0;
        for (int series = 0; series < dataset.getRowCount(); series++) {
            Paint fixed = colours.get(dataset.getRowKey(series).toString());
            setter.accept(series, fixed != null ? fixed : SERIES[next++ % SERIES.length]);
        }
    }

    /** The palette's colour number {@code i} (cycling). */
    static Paint colour(int i) {
        return SERIES[i % SERIES.length];
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
