import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Draws the horizontal bar chart at the top of BENCHMARKS.md from a small text file of figures, so that the chart
 * and the figures cannot disagree. A single-file program on the JDK alone (no build, no dependency):
 *
 * <pre>java docs/benchmarks/BenchmarkChart.java docs/benchmarks/figures.txt docs/benchmarks.svg</pre>
 *
 * <p>Input lines ({@code #} starts a comment): {@code panel;title;reference value;reference label} starts a panel
 * with its own scale and a dashed reference line; {@code bar;group;label;value} adds a bar to the last panel. Bars
 * of one group share a colour and are labelled "group: label". The output is deterministic: the same figures give
 * the same bytes, which is how CI tells a stale chart.
 */
public class BenchmarkChart {

  record Bar(String group, String label, double value) {}

  record Panel(String title, double reference, String referenceLabel, List<Bar> bars) {}

  private static final int WIDTH = 820;
  private static final int LABEL_WIDTH = 390;
  private static final int PLOT_WIDTH = 360;
  private static final int BAR_HEIGHT = 18;
  private static final int BAR_GAP = 6;
  private static final int PANEL_HEADER = 46;
  private static final int PANEL_FOOTER = 34;
  private static final String[] COLOURS = {"#2b6cb0", "#90b4de", "#c05621", "#2f855a", "#6b46c1"};

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: java BenchmarkChart.java FIGURES_FILE OUTPUT_SVG");
      System.exit(2);
    }
    List<Panel> panels = parse(Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8));
    Files.writeString(Path.of(args[1]), render(panels), StandardCharsets.UTF_8);
  }

  static List<Panel> parse(List<String> lines) {
    List<Panel> panels = new ArrayList<>();
    int number = 0;
    for (String line : lines) {
      number++;
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] fields = line.split(";", -1);
      if (fields[0].equals("panel") && fields.length == 4) {
        panels.add(new Panel(fields[1], number(fields[2], number), fields[3], new ArrayList<>()));
      } else if (fields[0].equals("bar") && fields.length == 4 && !panels.isEmpty()) {
        panels.get(panels.size() - 1).bars().add(new Bar(fields[1], fields[2], number(fields[3], number)));
      } else {
        throw new IllegalArgumentException("line " + number + ": expected panel;title;value;label or "
            + "bar;group;label;value (after a panel), got: " + line);
      }
    }
    return panels;
  }

  private static double number(String text, int line) {
    try {
      return Double.parseDouble(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("line " + line + ": not a number: " + text, e);
    }
  }

  static String render(List<Panel> panels) {
    int height = 12;
    for (Panel panel : panels) {
      height += panelHeight(panel);
    }
    StringBuilder svg = new StringBuilder();
    svg.append(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
            + "font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">%n", WIDTH, height, WIDTH, height));
    svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>%n", WIDTH, height));
    int top = 12;
    for (Panel panel : panels) {
      renderPanel(svg, panel, top);
      top += panelHeight(panel);
    }
    return svg.append("</svg>\n").toString();
  }

  private static int panelHeight(Panel panel) {
    return PANEL_HEADER + panel.bars().size() * (BAR_HEIGHT + BAR_GAP) + PANEL_FOOTER;
  }

  private static void renderPanel(StringBuilder svg, Panel panel, int top) {
    double max = panel.reference();
    for (Bar bar : panel.bars()) {
      max = Math.max(max, bar.value());
    }
    double step = max <= 1 ? 0.25 : max <= 2 ? 0.5 : 1;
    double scaleMax = Math.ceil(max / step) * step;
    int left = LABEL_WIDTH + 10;
    int plotTop = top + PANEL_HEADER;
    int plotBottom = plotTop + panel.bars().size() * (BAR_HEIGHT + BAR_GAP);

    svg.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"%d\" font-size=\"14\" font-weight=\"bold\">%s</text>%n",
        top + 16, escape(panel.title())));
    for (double tick = 0; tick <= scaleMax + 1e-9; tick += step) {
      double x = left + tick / scaleMax * PLOT_WIDTH;
      svg.append(String.format(Locale.ROOT,
          "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e2e8f0\"/>%n", x, plotTop - 4, x, plotBottom));
      svg.append(String.format(Locale.ROOT,
          "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#4a5568\">%s</text>%n",
          x, plotBottom + 14, format(tick)));
    }

    List<String> groups = new ArrayList<>();
    int y = plotTop;
    for (Bar bar : panel.bars()) {
      if (!groups.contains(bar.group())) {
        groups.add(bar.group());
      }
      String colour = COLOURS[groups.indexOf(bar.group()) % COLOURS.length];
      double width = bar.value() / scaleMax * PLOT_WIDTH;
      svg.append(String.format(Locale.ROOT,
          "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n",
          LABEL_WIDTH, y + BAR_HEIGHT - 5, escape(bar.group() + ": " + bar.label())));
      svg.append(String.format(Locale.ROOT,
          "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>%n",
          left, y, width, BAR_HEIGHT, colour));
      svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\">%s</text>%n",
          left + width + 4, y + BAR_HEIGHT - 5, format(bar.value())));
      y += BAR_HEIGHT + BAR_GAP;
    }

    double referenceX = left + panel.reference() / scaleMax * PLOT_WIDTH;
    svg.append(String.format(Locale.ROOT,
        "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e53e3e\" stroke-width=\"1.5\" "
            + "stroke-dasharray=\"5,3\"/>%n", referenceX, plotTop - 8, referenceX, plotBottom));
    svg.append(String.format(Locale.ROOT,
        "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#e53e3e\">%s</text>%n",
        referenceX, plotTop - 12, escape(panel.referenceLabel())));
  }

  private static String format(double value) {
    return String.format(Locale.ROOT, "%.2f", value);
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
