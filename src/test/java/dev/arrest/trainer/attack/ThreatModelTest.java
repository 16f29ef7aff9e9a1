package dev.arrest.trainer.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class ThreatModelTest {

  @Test
  void linfProjectionClipsToTheBallAndTheBox() {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray clean = manager.create(new float[] {0.5f, 0.05f, 0.97f, 0.5f}, new Shape(1, 1, 2, 2));
      NDArray candidate =
          manager.create(new float[] {0.9f, -0.3f, 1.2f, 0.52f}, new Shape(1, 1, 2, 2));
      float[] projected = ThreatModel.linf(0.1).project(candidate, clean).toFloatArray();
      assertEquals(0.6f, projected[0], 1e-6f);
      assertEquals(0f, projected[1], 1e-6f);
      assertEquals(1f, projected[2], 1e-6f);
      assertEquals(0.52f, projected[3], 1e-6f);
    }
  }

  @Test
  void l2ProjectionShrinksRadiallyThenClips() {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray clean =
          manager.create(new float[] {0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f}, new Shape(2, 1, 1, 3));
      // Example 0 is 0.5 away (shrunk to 0.25); example 1 is inside the ball and stays.
      NDArray candidate =
          manager.create(new float[] {0.8f, 0.9f, 0.5f, 0.55f, 0.5f, 0.5f}, new Shape(2, 1, 1, 3));
      ThreatModel threat = ThreatModel.l2(0.25);
      NDArray projected = threat.project(candidate, clean);
      float[] values = projected.toFloatArray();
      assertEquals(0.5f + 0.3f * 0.5f, values[0], 1e-6f);
      assertEquals(0.5f + 0.4f * 0.5f, values[1], 1e-6f);
      assertEquals(0.55f, values[3], 1e-6f);
      float[] norms = threat.norms(projected.sub(clean)).toFloatArray();
      assertEquals(0.25f, norms[0], 1e-6f);
    }
  }

  @Test
  void containsChecksTheBallAndTheBox() {
    float[] clean = {0.2f, 0.8f};
    assertTrue(ThreatModel.linf(0.1).contains(new float[] {0.3f, 0.7f}, clean));
    assertFalse(ThreatModel.linf(0.1).contains(new float[] {0.31f, 0.8f}, clean));
    assertFalse(ThreatModel.linf(0.5).contains(new float[] {0.2f, 1.01f}, clean));
    assertTrue(ThreatModel.l2(0.5).contains(new float[] {0.5f, 0.4f}, clean));
    assertFalse(ThreatModel.l2(0.49).contains(new float[] {0.5f, 0.4f}, clean));
  }

  @Test
  void exampleStreamsDependOnlyOnTheirKey() {
    ExampleRandom random = new ExampleRandom(42);
    assertEquals(
        random.stream("apgd-ce", 7, 0).nextLong(),
        new ExampleRandom(42).stream("apgd-ce", 7, 0).nextLong());
    long base = random.stream("apgd-ce", 7, 0).nextLong();
    assertTrue(base != random.stream("apgd-ce", 8, 0).nextLong());
    assertTrue(base != random.stream("apgd-ce", 7, 1).nextLong());
    assertTrue(base != random.stream("apgd-t", 7, 0).nextLong());
    assertTrue(base != new ExampleRandom(43).stream("apgd-ce", 7, 0).nextLong());
    assertTrue(base != random.derive("other").stream("apgd-ce", 7, 0).nextLong());
  }
}
