package dev.arrest.tradeoff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ReferenceSetsTest {

  private static final Path SHIPPED = Path.of("src/main/resources/dev/arrest/tradeoff/references");

  @Test
  void everyShippedSetLoadsAndEveryPointHasASource() {
    for (String name : ReferenceSets.names()) {
      ReferenceSet set = ReferenceSets.load(name);
      assertEquals(name, set.name());
      assertFalse(set.points().isEmpty(), name);
      for (ReferencePoint point : set.points()) {
        assertFalse(point.source().isBlank(), name + " " + point.method());
        assertTrue(point.source().contains("78fcc9e"), name + " " + point.method());
      }
    }
  }

  @Test
  void namesListExactlyTheShippedFiles() throws IOException {
    try (Stream<Path> files = Files.list(SHIPPED)) {
      List<String> shipped =
          files
              .map(path -> path.getFileName().toString())
              .filter(file -> file.endsWith(".csv"))
              .map(file -> file.substring(0, file.length() - ".csv".length()))
              .sorted()
              .toList();
      assertEquals(ReferenceSets.names().stream().sorted().toList(), shipped);
    }
  }

  @Test
  void unknownNameListsTheAvailableOnes() {
    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> ReferenceSets.load("imagenet"));
    assertTrue(error.getMessage().contains("'imagenet'"), error.getMessage());
    for (String name : ReferenceSets.names()) {
      assertTrue(error.getMessage().contains(name), error.getMessage());
    }
  }

  @Test
  void wrnSetHoldsTheTenWrn34Rows() {
    ReferenceSet wrn = ReferenceSets.load("cifar10-linf-8255-wrn34");
    assertEquals(10, wrn.points().size());
    assertEquals(wrn.points(), wrn.fittingPoints());
    ReferencePoint trades = wrn.points().get(0);
    assertEquals(
        new ReferencePoint(
            "TRADES",
            84.92,
            53.08,
            "RobustBench/robustbench@78fcc9e model_info/cifar10/Linf/Zhang2019Theoretically.json"),
        trades);
    assertTrue(
        wrn.points().stream().noneMatch(p -> p.method().equals("AIT") || p.method().equals("FS")));
  }

  @Test
  void fullSetLeavesStandardTrainingOutOfTheFit() {
    ReferenceSet all = ReferenceSets.load("cifar10-linf-8255");
    assertEquals(13, all.points().size());
    assertEquals(12, all.fittingPoints().size());
    assertTrue(all.fittingPoints().stream().noneMatch(p -> p.method().equals("Standard training")));
    assertTrue(all.points().stream().anyMatch(p -> p.method().equals("Standard training")));
  }

  @Test
  void shippedCurvesUseTheDocumentedDegrees() {
    TradeoffCurve wrn = ReferenceSets.load("cifar10-linf-8255-wrn34").fitCurve();
    assertEquals(2, wrn.degree());
    assertEquals(List.of(), wrn.rejectedFits());
    assertEquals(new Interval(83.48, 88.22), wrn.standardRange());

    // Mixed architectures: the quadratic rises near 83.48 %, so the line is used.
    TradeoffCurve all = ReferenceSets.load("cifar10-linf-8255").fitCurve();
    assertEquals(1, all.degree());
    assertEquals(new Interval(83.48, 90.25), all.standardRange());
    assertEquals("cifar10-linf-8255", all.score(86, 50).reference());
  }

  @Test
  void parsesATeamsOwnBaselines() throws IOException {
    String csv =
        """
        # our baselines
        method,standard_accuracy,robust_accuracy,source,notes
        PGD-AT,82.1,47.0,run 2024-11-02 pgd-at-seed1,
        TRADES,80.5,49.2,run 2024-11-03 trades-seed1,beta=6
        """;
    ReferenceSet set = ReferenceSets.parse("baselines", new StringReader(csv));
    assertEquals(
        List.of(
            new ReferencePoint("PGD-AT", 82.1, 47.0, "run 2024-11-02 pgd-at-seed1"),
            new ReferencePoint("TRADES", 80.5, 49.2, "run 2024-11-03 trades-seed1")),
        set.points());
  }

  @Test
  void rejectsRowsWithoutASourceMissingColumnsAndQuotedCommas() {
    IllegalArgumentException noSource =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ReferenceSets.parse(
                    "x",
                    new StringReader(
                        "method,standard_accuracy,robust_accuracy,source\nA,80,50, \n")));
    assertTrue(noSource.getMessage().contains("line 2"), noSource.getMessage());
    assertTrue(noSource.getMessage().contains("needs a source"), noSource.getMessage());

    IllegalArgumentException noColumn =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ReferenceSets.parse(
                    "x", new StringReader("method,standard_accuracy,robust_accuracy\nA,80,50\n")));
    assertTrue(noColumn.getMessage().contains("lacks column 'source'"), noColumn.getMessage());

    IllegalArgumentException quoted =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ReferenceSets.parse(
                    "x",
                    new StringReader(
                        "method,standard_accuracy,robust_accuracy,source\n"
                            + "A,80,50,\"paper, table 2\"\n")));
    assertTrue(
        quoted.getMessage().contains("expected 4 comma-separated fields, found 5"),
        quoted.getMessage());

    IllegalArgumentException badNumber =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ReferenceSets.parse(
                    "x",
                    new StringReader(
                        "method,standard_accuracy,robust_accuracy,source\nA,80%,50,s\n")));
    assertTrue(badNumber.getMessage().contains("line 2"), badNumber.getMessage());
  }
}
