package dev.arrest.trainer.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.arrest.trainer.engine.GlibcMallocTuning.Outcome;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GlibcMallocTuningTest {

  @Test
  void anotherAllocatorIsLeftAlone() {
    assertEquals(Outcome.NOT_GLIBC, GlibcMallocTuning.apply(NativeAllocator.JEMALLOC, Map.of()));
    assertEquals(Outcome.NOT_GLIBC, GlibcMallocTuning.apply(NativeAllocator.TCMALLOC, Map.of()));
  }

  @Test
  void theUsersOwnGlibcSettingsWin() {
    assertTrue(GlibcMallocTuning.userTunes(Map.of("GLIBC_TUNABLES", "glibc.malloc.arena_max=2")));
    assertTrue(GlibcMallocTuning.userTunes(Map.of("MALLOC_TRIM_THRESHOLD_", "0")));
    assertTrue(GlibcMallocTuning.userTunes(Map.of("MALLOC_ARENA_MAX", "1")));
    assertTrue(GlibcMallocTuning.userTunes(Map.of(GlibcMallocTuning.SWITCH, "off")));
    assertFalse(GlibcMallocTuning.userTunes(Map.of("GLIBC_TUNABLES", "glibc.cpu.hwcaps=-AVX")));
    assertFalse(GlibcMallocTuning.userTunes(Map.of("MALLOC_CONF", "narenas:2")));
    assertEquals(
        Outcome.LEFT_TO_THE_USER,
        GlibcMallocTuning.apply(NativeAllocator.GLIBC, Map.of(GlibcMallocTuning.SWITCH, "off")));
  }

  @Test
  void glibcAcceptsTheSettings() {
    // mallopt refuses out-of-range values (e.g. an mmap threshold above 32 MiB) with 0.
    assumeTrue(NativeAllocator.current() == NativeAllocator.GLIBC, "this JVM runs on glibc");
    assertEquals(Outcome.APPLIED, GlibcMallocTuning.apply(NativeAllocator.GLIBC, Map.of()));
  }
}
