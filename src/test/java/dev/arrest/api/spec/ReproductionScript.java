package dev.arrest.api.spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What the tests read from examples/reproduction-v2/run.sh. */
public final class ReproductionScript {
  public static final Path PATH = Path.of("examples/reproduction-v2/run.sh");

  private ReproductionScript() {}

  /**
   * The script's AUTOATTACK_RUNS: the trained runs whose AutoAttack twins step 10 runs (the array
   * may span lines).
   */
  public static List<String> autoAttackRuns() throws IOException {
    String prefix = "AUTOATTACK_RUNS=(";
    String script = Files.readString(PATH);
    int start = script.indexOf(prefix) + prefix.length();
    return List.of(script.substring(start, script.indexOf(')', start)).strip().split("\\s+"));
  }

  /** The script's CLAIM_PAIRS, each as {first, second}, in its order. */
  public static List<String[]> claimPairs() throws IOException {
    String script = Files.readString(PATH);
    String block = script.substring(script.indexOf("CLAIM_PAIRS=("));
    block = block.substring(0, block.indexOf("\n)"));
    return block
        .lines()
        .skip(1)
        .map(String::strip)
        .map(line -> line.substring(1, line.length() - 1).split("\\|"))
        .toList();
  }
}
