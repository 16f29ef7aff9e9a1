package dev.arrest.trainer.stage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * One trainer at a time per stage directory. On Kubernetes before 1.29 (no Job {@code
 * podReplacementPolicy: Failed}) the Job controller starts a replacement pod as soon as the old one
 * is being deleted, so two trainers could write the same checkpoints; the second waits here until
 * the first has stopped. The lock is an OS file lock (fcntl) on {@code .writer.lock} in the stage
 * directory: the kernel (or the NFS server, after its lease) releases it when its process dies,
 * even by SIGKILL, so a dead owner never blocks a stage. On a file system without locks (some FUSE
 * mounts) the stage runs unguarded, with a warning.
 */
public final class StageWriterLock implements AutoCloseable {
  static final String FILE_NAME = ".writer.lock";

  /** Long enough for a terminating pod's grace period and an NFS lease to run out. */
  public static final Duration DEFAULT_WAIT = Duration.ofMinutes(5);

  private final FileChannel channel;
  private final FileLock lock;

  private StageWriterLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the lock of {@code stageDirectory}, waiting up to {@code maxWait} for another trainer to
   * let go; {@code log} gets one line when it has to wait.
   *
   * @throws IllegalStateException when another trainer still holds it after {@code maxWait}
   */
  public static StageWriterLock acquire(
      Path stageDirectory, Duration maxWait, Consumer<String> log) {
    Path file = stageDirectory.resolve(FILE_NAME);
    FileChannel channel;
    try {
      Files.createDirectories(stageDirectory);
      channel =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the stage's writer lock " + file, e);
    }
    Instant deadline = Instant.now().plus(maxWait);
    boolean announced = false;
    try {
      while (true) {
        FileLock lock;
        try {
          lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
          lock = null; // held by this JVM: another stage of the same directory is running here
        } catch (IOException e) {
          log.accept(
              "warning: "
                  + file
                  + " cannot be locked ("
                  + e.getMessage()
                  + "); this stage runs without the guard against a second trainer writing its"
                  + " checkpoints");
          return new StageWriterLock(channel, null);
        }
        if (lock != null) {
          writeOwner(channel);
          return new StageWriterLock(channel, lock);
        }
        if (!announced) {
          log.accept(
              "waiting for the trainer that still writes "
                  + stageDirectory
                  + " ("
                  + readOwner(file)
                  + ") to stop, at most "
                  + maxWait.toSeconds()
                  + " s");
          announced = true;
        }
        if (Instant.now().isAfter(deadline)) {
          channel.close();
          throw new IllegalStateException(
              "another trainer ("
                  + readOwner(file)
                  + ") still writes "
                  + stageDirectory
                  + " after "
                  + maxWait.toSeconds()
                  + " s; stop it (or its pod) and run the stage again");
        }
        Thread.sleep(500);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock " + file, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + file, e);
    }
  }

  /** Who holds the lock: host name and process id, for messages and for whoever looks. */
  private static void writeOwner(FileChannel channel) throws IOException {
    String owner =
        hostName() + " pid " + ProcessHandle.current().pid() + " since " + Instant.now() + "\n";
    channel.truncate(0);
    channel.write(ByteBuffer.wrap(owner.getBytes(StandardCharsets.UTF_8)), 0);
    channel.force(false);
  }

  private static String readOwner(Path file) {
    try {
      String text = Files.readString(file).strip();
      return text.isEmpty() ? "owner unknown" : text;
    } catch (IOException e) {
      return "owner unknown";
    }
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return ManagementFactory.getRuntimeMXBean().getName();
    }
  }

  @Override
  public void close() {
    try {
      if (lock != null) {
        lock.release();
      }
      channel.close();
    } catch (IOException e) {
      // Closing the channel releases the lock anyway; nothing else depends on it.
    }
  }
}
