package dev.arrest.trainer.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class IntraOpThreadsTest {

  @Test
  void anExplicitNumberWinsOverTheEnvironmentAndTheProcessors() {
    assertEquals(3, IntraOpThreads.resolve(3, "5", 8));
  }

  @Test
  void theEnvironmentWinsOverTheProcessors() {
    assertEquals(5, IntraOpThreads.resolve(0, " 5 ", 8));
  }

  @Test
  void everyAvailableProcessorByDefault() {
    assertEquals(8, IntraOpThreads.resolve(0, null, 8));
    assertEquals(8, IntraOpThreads.resolve(0, "", 8));
  }

  @Test
  void aBadValueNamesItsSourceAndTheFix() {
    IllegalArgumentException environment =
        assertThrows(IllegalArgumentException.class, () -> IntraOpThreads.resolve(0, "two", 8));
    assertTrue(environment.getMessage().startsWith("ARREST_THREADS=two"), environment.getMessage());
    assertThrows(IllegalArgumentException.class, () -> IntraOpThreads.resolve(0, "0", 8));
    IllegalArgumentException option =
        assertThrows(IllegalArgumentException.class, () -> IntraOpThreads.resolve(-1, null, 8));
    assertTrue(option.getMessage().startsWith("--threads"), option.getMessage());
  }

  @Test
  void configureSetsLibtorchsPool() {
    int previous = IntraOpThreads.current();
    try {
      assertEquals(1, IntraOpThreads.configure(1));
      assertEquals(1, IntraOpThreads.current());
      assertEquals(2, IntraOpThreads.configure(2));
      assertEquals(2, IntraOpThreads.current());
    } finally {
      IntraOpThreads.configure(previous);
    }
  }
}
