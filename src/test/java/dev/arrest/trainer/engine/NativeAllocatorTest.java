package dev.arrest.trainer.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class NativeAllocatorTest {
  private static final String LIBC =
      "7f2a1c000000-7f2a1c028000 r--p 00000000 08:01 1234 /usr/lib/x86_64-linux-gnu/libc.so.6";
  private static final String HEAP = "55d0c0a00000-55d0c0a21000 rw-p 00000000 00:00 0 [heap]";
  private static final String ANONYMOUS = "7f2a1b000000-7f2a1b021000 rw-p 00000000 00:00 0 ";

  @Test
  void aMappedJemallocIsTheAllocator() {
    List<String> maps =
        List.of(
            HEAP,
            "7f2a1d000000-7f2a1d00c000 r--p 00000000 08:01 99 "
                + "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2",
            LIBC);
    assertEquals(NativeAllocator.JEMALLOC, NativeAllocator.fromMaps(maps));
  }

  @Test
  void aMappedTcmallocIsTheAllocator() {
    List<String> maps =
        List.of(
            LIBC,
            "7f2a1d000000-7f2a1d00c000 r-xp 00000000 08:01 99 "
                + "/usr/lib/x86_64-linux-gnu/libtcmalloc.so.4.5.10");
    assertEquals(NativeAllocator.TCMALLOC, NativeAllocator.fromMaps(maps));
  }

  @Test
  void withoutAnotherAllocatorItIsGlibc() {
    // A directory or anonymous mapping named like an allocator does not count; only the library.
    List<String> maps =
        List.of(
            HEAP,
            ANONYMOUS,
            LIBC,
            "7f2a1e000000-7f2a1e001000 r--p 00000000 08:01 7 /opt/jemalloc-notes/readme.txt");
    assertEquals(NativeAllocator.GLIBC, NativeAllocator.fromMaps(maps));
  }

  @Test
  void thisProcessHasAnAllocator() {
    assertNotEquals(NativeAllocator.UNKNOWN, NativeAllocator.current());
  }
}
