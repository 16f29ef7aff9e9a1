package dev.arrest.tradeoff;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The reference sets shipped as CSV resources, and the parser for CSV files of the same format.
 *
 * <p>Format: lines starting with '#' are comments (provenance), then a header naming at least the
 * columns {@code method, standard_accuracy, robust_accuracy, source}; other columns are kept for
 * readers of the file and ignored here. Fields are separated by commas and cannot be quoted.
 */
public final class ReferenceSets {

  /** The shipped sets; each is {@code references/<name>.csv} next to this class. */
  private static final List<String> NAMES = List.of("cifar10-linf-8255", "cifar10-linf-8255-wrn34");

  private static final List<String> REQUIRED_COLUMNS =
      List.of("method", "standard_accuracy", "robust_accuracy", "source");

  private ReferenceSets() {}

  public static List<String> names() {
    return NAMES;
  }

  public static ReferenceSet load(String name) {
    if (!NAMES.contains(name)) {
      throw new IllegalArgumentException(
          "unknown reference set '" + name + "'; available: " + String.join(", ", NAMES));
    }
    String resource = "references/" + name + ".csv";
    try (InputStream in = ReferenceSets.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(
            "reference set '"
                + name
                + "' is listed but "
                + resource
                + " is missing from the classpath");
      }
      return parse(name, new InputStreamReader(in, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read reference set '" + name + "'", e);
    }
  }

  /** Reads a reference set in the format above, e.g. a team's own baselines. */
  public static ReferenceSet parse(String name, Reader csv) throws IOException {
    List<ReferencePoint> points = new ArrayList<>();
    List<String> header = null;
    int[] columnIndex = null;
    BufferedReader reader = new BufferedReader(csv);
    int lineNumber = 0;
    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
      lineNumber++;
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      List<String> fields = Arrays.stream(line.split(",", -1)).map(String::strip).toList();
      if (header == null) {
        header = fields;
        columnIndex = requiredColumnIndices(name, header);
        continue;
      }
      if (fields.size() != header.size()) {
        throw new IllegalArgumentException(
            String.format(
                Locale.ROOT,
                "reference set '%s' line %d: expected %d comma-separated fields, found %d"
                    + " (quoted fields are not supported)",
                name,
                lineNumber,
                header.size(),
                fields.size()));
      }
      points.add(toPoint(name, lineNumber, fields, columnIndex));
    }
    if (points.isEmpty()) {
      throw new IllegalArgumentException("reference set '" + name + "' has no points");
    }
    return new ReferenceSet(name, points);
  }

  private static int[] requiredColumnIndices(String name, List<String> header) {
    int[] indices = new int[REQUIRED_COLUMNS.size()];
    for (int i = 0; i < indices.length; i++) {
      indices[i] = header.indexOf(REQUIRED_COLUMNS.get(i));
      if (indices[i] < 0) {
        throw new IllegalArgumentException(
            "reference set '"
                + name
                + "' header "
                + header
                + " lacks column '"
                + REQUIRED_COLUMNS.get(i)
                + "'; required: "
                + REQUIRED_COLUMNS);
      }
    }
    return indices;
  }

  private static ReferencePoint toPoint(
      String name, int lineNumber, List<String> fields, int[] columnIndex) {
    try {
      return new ReferencePoint(
          fields.get(columnIndex[0]),
          Double.parseDouble(fields.get(columnIndex[1])),
          Double.parseDouble(fields.get(columnIndex[2])),
          fields.get(columnIndex[3]));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "reference set '" + name + "' line " + lineNumber + ": " + e.getMessage(), e);
    }
  }
}
