package dev.arrest.tradeoff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Scores go into results.json and a Kubernetes status: field names are part of the contract. */
class ResultsJsonTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TradeoffCurve LINE =
      TradeoffCurve.fit("line", TestPoints.sampled(x -> 150 - 1.2 * x, 80, 85, 90), 1);

  @Test
  void tradeoffScoreRoundTripsWithItsDocumentedFieldNames() throws Exception {
    TradeoffScore score = LINE.score(91, 50);
    String json = JSON.writeValueAsString(score);
    JsonNode tree = JSON.readTree(json);
    for (String field :
        List.of(
            "signedDistance",
            "robustGainAtEqualStandard",
            "standardGainAtEqualRobust",
            "reference",
            "curveDegree",
            "extrapolated",
            "warnings")) {
      assertTrue(tree.has(field), "missing " + field + " in " + json);
    }
    assertEquals(7, tree.size(), json);
    assertEquals("robustGainAtEqualStandard", tree.get("extrapolated").get(0).asText());
    assertEquals(score, JSON.readValue(json, TradeoffScore.class));
  }

  @Test
  void sweepScoreWithUndefinedStandardGainWritesNull() throws Exception {
    SweepScore score = SweepScore.compute(LINE, TestPoints.runs(x -> 170 - 1.2 * x, 82, 84));
    String json = JSON.writeValueAsString(score);
    JsonNode tree = JSON.readTree(json);
    assertTrue(tree.get("meanStandardGain").isNull(), json);
    assertTrue(tree.get("robustOverlap").isNull(), json);
    assertEquals(84.0, tree.get("standardOverlap").get("to").asDouble(), json);
    assertEquals(score, JSON.readValue(json, SweepScore.class));
  }

  @Test
  void curveSummaryRoundTrips() throws Exception {
    CurveSummary summary = ReferenceSets.load("cifar10-linf-8255").fitCurve().summary();
    String json = JSON.writeValueAsString(summary);
    assertEquals(summary, JSON.readValue(json, CurveSummary.class));
    assertTrue(
        JSON.readTree(json).get("rejectedFits").get(0).asText().startsWith("degree 2 rejected"),
        json);
  }
}
