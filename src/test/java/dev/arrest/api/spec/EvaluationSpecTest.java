package dev.arrest.api.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.api.v1alpha1.AutoAttackVersion;
import dev.arrest.api.v1alpha1.DatasetName;
import dev.arrest.api.v1alpha1.EvaluationAttackSpec;
import dev.arrest.api.v1alpha1.EvaluationSpec;
import dev.arrest.api.v1alpha1.EvaluationSubset;
import dev.arrest.api.v1alpha1.Norm;
import dev.arrest.trainer.data.DatasetKind;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluationSpecTest {

  private static ArrestTraining parse(String evaluation) {
    return ArrestTrainingDocuments.parse(
        ArrestTrainingDocumentsTest.MINIMAL + "  evaluation:\n" + evaluation, "t");
  }

  private static void assertProblem(String evaluation, String expectedPrefix) {
    SpecException e = assertThrows(SpecException.class, () -> parse(evaluation));
    assertTrue(
        e.problems().stream().anyMatch(p -> p.startsWith(expectedPrefix)),
        "expected a problem starting with '" + expectedPrefix + "' in " + e.problems());
  }

  @Test
  void theSubsetIsTheFirstImagesUnlessStratifiedIsAsked() {
    EvaluationSpec defaults = parse("    samples: 200\n").getSpec().evaluation;
    assertEquals(EvaluationSubset.FIRST, defaults.subset);

    EvaluationSpec stratified =
        parse("    samples: 200\n    subset: stratified\n").getSpec().evaluation;
    assertEquals(EvaluationSubset.STRATIFIED, stratified.subset);
    assertEquals(0, stratified.effectiveSubsetSeed(), "one default seed, so runs share images");
    assertEquals(
        7,
        parse("    samples: 200\n    subset: stratified\n    subsetSeed: 7\n")
            .getSpec()
            .evaluation
            .effectiveSubsetSeed());

    assertProblem(
        "    samples: 200\n    subsetSeed: 7\n",
        "spec.evaluation.subsetSeed: applies to subset stratified only");
    assertProblem("    subset: random\n", "spec.evaluation.subset");
  }

  @Test
  void attacksGetThePublishedDefaultsAndStableNames() {
    EvaluationSpec evaluation =
        parse(
                """
                    samples: 500
                    batchSize: 100
                    epsilon: 0.5
                    norm: l2
                    seed: 3
                    attacks:
                      - {type: pgd, norm: linf, epsilon: 0.1}
                      - {type: apgd-ce}
                      - {type: apgd-dlr, restarts: 5}
                      - {type: apgd-t, targetClasses: 3}
                      - {type: fab-t}
                      - {type: square, norm: l2}
                      - {type: apgd-ce, eotIterations: 20}
                      - {type: autoattack}
                      - {type: autoattack, version: rand, norm: l2}
                """)
            .getSpec()
            .evaluation;
    assertEquals(Norm.L2, evaluation.norm);
    assertEquals(3L, evaluation.seed);
    assertEquals(
        List.of(
            "pgd-20",
            "apgd-ce-100",
            "apgd-dlr-100x5",
            "apgd-t-100-targets3",
            "fab-t-100",
            "square-5000-l2",
            "apgd-ce-100-eot20",
            "autoattack-standard",
            "autoattack-rand-l2"),
        evaluation.attacks.stream().map(EvaluationAttackSpec::displayName).toList());
    assertEquals(AutoAttackVersion.STANDARD, evaluation.attacks.get(7).effectiveVersion());
    assertEquals(9, evaluation.attacks.get(4).effectiveTargetClasses());
  }

  @Test
  void theDefaultsAreOneLInfPgd20() {
    EvaluationSpec evaluation = new EvaluationSpec();
    assertEquals(Norm.LINF, evaluation.norm);
    assertEquals(
        List.of("pgd-20"),
        evaluation.attacks.stream().map(EvaluationAttackSpec::displayName).toList());
  }

  @Test
  void optionsThatDoNotApplyToAnAttackAreRejected() {
    assertProblem(
        "    attacks: [{type: pgd, norm: l2, epsilon: 0.5}]\n",
        "spec.evaluation.attacks[0].norm: pgd supports linf");
    assertProblem(
        "    attacks: [{type: apgd-ce, stepSize: 0.01}]\n",
        "spec.evaluation.attacks[0].stepSize: applies to pgd");
    assertProblem(
        "    attacks: [{type: apgd-ce, version: plus}]\n",
        "spec.evaluation.attacks[0].version: applies to autoattack");
    assertProblem(
        "    attacks: [{type: fab, targetClasses: 3}]\n",
        "spec.evaluation.attacks[0].targetClasses: applies to");
    assertProblem(
        "    attacks: [{type: square, eotIterations: 5}]\n",
        "spec.evaluation.attacks[0].eotIterations: applies to");
    assertProblem(
        "    attacks: [{type: autoattack, steps: 10}]\n",
        "spec.evaluation.attacks[0]: autoattack runs its");
  }

  @Test
  void targetCountsAndL2BudgetsAreChecked() {
    assertProblem(
        "    attacks: [{type: apgd-t, targetClasses: 10}]\n",
        "spec.evaluation.attacks[0].targetClasses: at most 9");
    assertProblem(
        "    attacks: [{type: apgd-ce, norm: l2}]\n",
        "spec.evaluation.attacks[0].epsilon: an l2 attack needs");
    assertProblem(
        "    norm: l2\n    attacks: [{type: apgd-ce}]\n",
        "spec.evaluation.attacks[0].epsilon: an l2 attack");
    parse("    norm: l2\n    epsilon: 0.5\n    attacks: [{type: apgd-ce}, {type: fab-t}]\n");
    parse("    attacks: [{type: apgd-ce, norm: l2, epsilon: 0.5}, {type: apgd-ce}]\n");
  }

  @Test
  void trainingAttacksStayLInf() {
    SpecException e =
        assertThrows(
            SpecException.class,
            () ->
                ArrestTrainingDocuments.parse(
                    ArrestTrainingDocumentsTest.MINIMAL.replace(
                        "method: arrest", "method: arrest\n    attack:\n      norm: l2"),
                    "t"));
    assertTrue(
        e.problems().contains("spec.finetuning.attack.norm: training supports linf only, found l2"),
        e.problems().toString());
  }

  @Test
  void datasetClassCountsAgreeWithTheLoaders() {
    for (DatasetName name : DatasetName.values()) {
      assertEquals(
          DatasetKind.fromId(name.toString()).numClasses(), name.numClasses(), name.toString());
    }
  }
}
