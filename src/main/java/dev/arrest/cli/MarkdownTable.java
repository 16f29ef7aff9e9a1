package dev.arrest.cli;

import java.util.List;

/** Rows of cells as a Markdown table; the first row is the header. */
final class MarkdownTable {
  private MarkdownTable() {}

  static void append(List<List<String>> rows, StringBuilder out) {
    for (int r = 0; r < rows.size(); r++) {
      out.append("| ").append(String.join(" | ", rows.get(r))).append(" |\n");
      if (r == 0) {
        out.append("|").append(" --- |".repeat(rows.get(0).size())).append('\n');
      }
    }
  }
}
