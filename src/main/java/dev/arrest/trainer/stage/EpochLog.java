package dev.arrest.trainer.stage;

import dev.arrest.results.EpochMetrics;
import dev.arrest.results.ResultsJson;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Per-epoch metrics as CSV, for spreadsheets and plotting tools; empty cells where a metric does
 * not apply.
 */
final class EpochLog {
  private static final String HEADER =
      "epoch,learning_rate,loss,cross_entropy_loss,rgkd_loss,trades_kl_loss,"
          + "noisy_replay_rate,train_clean_accuracy,train_adversarial_accuracy,examples,seconds,images_per_second,"
          + "awp_gamma";

  private EpochLog() {}

  static void write(Path file, List<EpochMetrics> epochs) {
    StringBuilder csv = new StringBuilder(HEADER).append('\n');
    for (EpochMetrics m : epochs) {
      csv.append(
              String.join(
                  ",",
                  Integer.toString(m.epoch()),
                  number(m.learningRate()),
                  number(m.loss()),
                  number(m.crossEntropyLoss()),
                  number(m.rgkdLoss()),
                  number(m.tradesKlLoss()),
                  number(m.noisyReplayRate()),
                  number(m.trainCleanAccuracy()),
                  number(m.trainAdversarialAccuracy()),
                  Long.toString(m.examples()),
                  number(m.seconds()),
                  number(m.imagesPerSecond()),
                  number(m.awpGamma())))
          .append('\n');
    }
    ResultsJson.writeAtomically(file, csv.toString());
  }

  private static String number(Double value) {
    return value == null ? "" : String.format(Locale.ROOT, "%.6g", value);
  }
}
