package dev.arrest.trainer.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class ProcessUsageTest {

  @Test
  void readsMinorFaultsAndCpuTicksFromAStatLine() {
    // proc(5): pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt
    // cmajflt utime stime ...
    String line =
        "4242 (java) S 1 4242 4242 0 -1 4194560 5939663 12 7 0 9250 4730 0 0 20 0 41 0 1234"
            + " 8000000000 300000 18446744073709551615 1 1 0 0 0 0 0 4096 17120";
    ProcessUsage usage = ProcessUsage.parseStat(line);
    assertEquals(5_939_663L, usage.minorFaults());
    assertEquals(92.5, usage.userSeconds(), 1e-9);
    assertEquals(47.3, usage.systemSeconds(), 1e-9);
  }

  @Test
  void aCommandNameWithSpacesAndParenthesesDoesNotShiftTheFields() {
    String line = "17 (my (odd) name) R 1 17 17 0 -1 0 321 0 0 0 150 25 0 0 20 0 1 0 99 0 0";
    ProcessUsage usage = ProcessUsage.parseStat(line);
    assertEquals(321L, usage.minorFaults());
    assertEquals(1.5, usage.userSeconds(), 1e-9);
    assertEquals(0.25, usage.systemSeconds(), 1e-9);
  }

  @Test
  void rejectsWhatIsNotAStatLine() {
    assertThrows(IllegalArgumentException.class, () -> ProcessUsage.parseStat("no parentheses"));
    assertThrows(IllegalArgumentException.class, () -> ProcessUsage.parseStat("1 (x) S 1 2"));
  }

  @Test
  void differencesOfThisProcessCountItsOwnFaults() {
    ProcessUsage before = ProcessUsage.now();
    assertNotNull(before, "Linux has /proc/self/stat");
    // 64 MiB of fresh native memory, zeroed by allocateDirect: at least one fault per page, and
    // pages are at most 2 MiB (transparent huge pages).
    ByteBuffer memory = ByteBuffer.allocateDirect(64 << 20);
    ProcessUsage delta = ProcessUsage.now().since(before);
    assertTrue(delta.minorFaults() >= 32, delta.toString());
    assertTrue(delta.userSeconds() >= 0 && delta.systemSeconds() >= 0, delta.toString());
    assertEquals(0, memory.get(12345));
  }
}
