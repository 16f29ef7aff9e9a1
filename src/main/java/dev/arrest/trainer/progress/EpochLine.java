package dev.arrest.trainer.progress;

import dev.arrest.results.EpochMetrics;
import dev.arrest.results.Stage;
import java.util.Locale;

/** One human-readable line per finished epoch, shared by both displays. */
final class EpochLine {
  private EpochLine() {}

  static String format(Stage stage, int epochs, EpochMetrics m) {
    StringBuilder line =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%s epoch %d/%d: loss %.4f, ce %.4f",
                stage,
                m.epoch(),
                epochs,
                m.loss(),
                m.crossEntropyLoss()));
    if (m.rgkdLoss() != null) {
      line.append(String.format(Locale.ROOT, ", rgkd %.4f", m.rgkdLoss()));
    }
    if (m.tradesKlLoss() != null) {
      line.append(String.format(Locale.ROOT, ", kl %.4f", m.tradesKlLoss()));
    }
    if (m.noisyReplayRate() != null) {
      line.append(String.format(Locale.ROOT, ", nr %.1f%%", 100 * m.noisyReplayRate()));
    }
    if (m.trainCleanAccuracy() != null) {
      line.append(String.format(Locale.ROOT, ", clean acc %.2f%%", 100 * m.trainCleanAccuracy()));
    }
    if (m.trainAdversarialAccuracy() != null) {
      line.append(
          String.format(Locale.ROOT, ", adv acc %.2f%%", 100 * m.trainAdversarialAccuracy()));
    }
    line.append(
        String.format(
            Locale.ROOT,
            ", lr %.4g, %.1f s, %.0f img/s",
            m.learningRate(),
            m.seconds(),
            m.imagesPerSecond()));
    if (m.test() != null) {
      line.append(
          String.format(
              Locale.ROOT,
              "; test on %d: clean %.2f%%",
              m.test().samples(),
              100 * m.test().standardAccuracy()));
      if (m.test().robustAccuracy() != null) {
        line.append(
            String.format(
                Locale.ROOT, ", %s %.2f%%", m.test().attack(), 100 * m.test().robustAccuracy()));
      }
      line.append(String.format(Locale.ROOT, " (%.1f s)", m.test().seconds()));
    }
    return line.toString();
  }
}
