package dev.arrest.api.spec;

import static dev.arrest.api.spec.ArrestTrainingDocumentsTest.MINIMAL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrest.api.v1alpha1.ArrestTrainingSpec;
import dev.arrest.api.v1alpha1.AwpSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** spec.finetuning.awp, spec.sweep.awpGammas and spec.sweep.fromScratch.awp. */
class AwpSpecTest {

  private static String withFinetuning(String lines) {
    return MINIMAL.replace("method: arrest", "method: arrest\n" + lines.indent(4).stripTrailing());
  }

  private static List<SweepPoint> points(String sweepYaml) {
    return SweepPoints.expand(
        ArrestTrainingDocuments.parse(MINIMAL + "  sweep:\n" + sweepYaml.indent(4), "t"));
  }

  private static List<String> labels(List<SweepPoint> points) {
    return points.stream().map(SweepPoint::label).toList();
  }

  @Test
  void absentByDefaultAndDocumentedDefaultsWhenGiven() {
    assertNull(ArrestTrainingDocuments.parse(MINIMAL, "t").getSpec().finetuning.awp);

    AwpSpec awp =
        ArrestTrainingDocuments.parse(withFinetuning("awp: {}"), "t").getSpec().finetuning.awp;

    assertEquals(0.005, awp.gamma);
    assertEquals(0, awp.warmupEpochs);
    assertEquals(1, awp.steps);
  }

  @Test
  void boundsNameTheirFields() {
    SpecException e =
        assertThrows(
            SpecException.class,
            () ->
                ArrestTrainingDocuments.parse(
                    withFinetuning("awp: {gamma: -0.01, warmupEpochs: -1, steps: 0}"), "t"));
    assertEquals(
        List.of(
            "spec.finetuning.awp.gamma: must be >= 0, found -0.01",
            "spec.finetuning.awp.steps: must be >= 1, found 0",
            "spec.finetuning.awp.warmupEpochs: must be >= 0, found -1"),
        e.problems().stream().sorted().toList());
    assertProblem(
        withFinetuning("awp: {gamma: 2}"), "spec.finetuning.awp.gamma: must be <= 1, found 2");
  }

  @Test
  void aWarmUpAsLongAsTheFinetuningIsRefusedWithTheFix() {
    assertProblem(
        withFinetuning("epochs: 5\nawp: {warmupEpochs: 5}"),
        "spec.finetuning.awp.warmupEpochs: 5 warm-up epochs of 5 leave none to train with AWP;"
            + " lower warmupEpochs below the number of finetuning epochs, or remove awp");
    // gamma 0 trains without AWP, so its warm-up does not matter.
    ArrestTrainingDocuments.parse(
        withFinetuning("epochs: 5\nawp: {gamma: 0, warmupEpochs: 5}"), "t");
    ArrestTrainingDocuments.parse(withFinetuning("epochs: 5\nawp: {warmupEpochs: 4}"), "t");
  }

  @Test
  void finetuningATorchScriptModuleWithAwpIsRefused() {
    assertProblem(
        withFinetuning("awp: {}") + "  pretraining:\n    torchScriptModel: /models/pretrained.pt\n",
        "spec.finetuning.awp: not available when finetuning a TorchScript module");
  }

  @Test
  void gammasSweepEveryPointWithAndWithoutAwpTwinsAdjacent() {
    List<SweepPoint> points =
        points(
            """
            methods: [at, trades, arrest]
            tradesBetas: [1, 6]
            awpGammas: [0, 0.005]\
            """);

    assertEquals(
        List.of(
            "at",
            "at+awp",
            "trades beta=1",
            "trades+awp beta=1",
            "trades beta=6",
            "trades+awp beta=6",
            "arrest",
            "arrest+awp"),
        labels(points));
    assertEquals("trades-awp-beta-1", points.get(3).slug());
    ArrestTrainingSpec without = points.get(0).training().getSpec();
    assertEquals(0.0, without.finetuning.awp.gamma, "gamma 0: trained without AWP");
    ArrestTrainingSpec with = points.get(7).training().getSpec();
    assertEquals(0.005, with.finetuning.awp.gamma);
    assertEquals(0, with.finetuning.awp.warmupEpochs, "the other settings at their defaults");
    assertEquals(0.005, points.get(7).overrides().get("finetuning.awp.gamma"));
  }

  @Test
  void severalGammasAreNamedAndTheSpecsOtherSettingsKept() {
    List<SweepPoint> points =
        SweepPoints.expand(
            ArrestTrainingDocuments.parse(
                withFinetuning("awp: {warmupEpochs: 2, steps: 3}")
                    + "  sweep:\n    awpGammas: [0, 0.005, 0.01]\n",
                "t"));

    assertEquals(
        List.of("arrest", "arrest+awp gamma=0.005", "arrest+awp gamma=0.01"), labels(points));
    AwpSpec awp = points.get(2).training().getSpec().finetuning.awp;
    assertEquals(0.01, awp.gamma);
    assertEquals(2, awp.warmupEpochs);
    assertEquals(3, awp.steps);
  }

  @Test
  void aSpecWideAwpShowsInEveryLabel() {
    List<SweepPoint> points =
        SweepPoints.expand(
            ArrestTrainingDocuments.parse(
                withFinetuning("awp: {gamma: 0.01}")
                    + "  sweep:\n    noisyReplayThresholdDegrees: [30, 45]\n",
                "t"));

    assertEquals(List.of("arrest+awp phi=30", "arrest+awp phi=45"), labels(points));
  }

  @Test
  void fromScratchAwpGivesTheScratchPointsTheirOwnWarmUp() {
    List<SweepPoint> points =
        points(
            """
            methods: [trades, arrest]
            awpGammas: [0.005]
            fromScratch:
              epochs: 20
              awp: {warmupEpochs: 2}\
            """);

    assertEquals(List.of("trades+awp", "arrest+awp"), labels(points));
    AwpSpec trades = points.get(0).training().getSpec().finetuning.awp;
    assertEquals(2, trades.warmupEpochs);
    assertEquals(0.005, trades.gamma);
    assertEquals(
        Map.of(
            "finetuning.method", "trades",
            "finetuning.epochs", 20,
            "finetuning.awp.gamma", 0.005,
            "finetuning.awp.warmupEpochs", 2,
            "finetuning.awp.steps", 1),
        points.get(0).overrides());
    assertEquals(0, points.get(1).training().getSpec().finetuning.awp.warmupEpochs);
  }

  @Test
  void sweepProblemsNameTheFieldTheSettingCameFrom() {
    assertProblem(
        MINIMAL + "  sweep:\n    awpGammas: [0.005, 0.005]\n",
        "spec.sweep.awpGammas: 0.005 is listed twice");
    assertProblem(
        MINIMAL + "  sweep:\n    awpGammas: [-1]\n",
        "spec.sweep.awpGammas[0]: must be >= 0, found -1");
    assertProblem(
        MINIMAL
            + "  sweep:\n    methods: [at, arrest]\n    awpGammas: [0.005]\n"
            + "    fromScratch: {epochs: 3, awp: {warmupEpochs: 3}}\n",
        "spec.sweep point 0 (at+awp): spec.sweep.fromScratch.awp.warmupEpochs: 3 warm-up epochs"
            + " of 3");
    assertProblem(
        withFinetuning("epochs: 2\nawp: {warmupEpochs: 2}")
            + "  sweep:\n    awpGammas: [0, 0.01]\n",
        "spec.sweep point 1 (arrest+awp): spec.finetuning.awp.warmupEpochs: 2 warm-up epochs of 2");
  }

  private static void assertProblem(String document, String expectedPrefix) {
    SpecException e =
        assertThrows(SpecException.class, () -> ArrestTrainingDocuments.parse(document, "t"));
    assertTrue(
        e.problems().stream().anyMatch(p -> p.startsWith(expectedPrefix)),
        "expected a problem starting with '" + expectedPrefix + "' in " + e.problems());
  }
}
