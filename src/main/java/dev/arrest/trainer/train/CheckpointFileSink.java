package dev.arrest.trainer.train;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Opens the files of a checkpoint (besides the model file, which the network writes itself) for
 * writing. A seam so tests can simulate a full disk; the real one makes {@code close()} return only
 * once the bytes are on disk, so the staging directory is durable before it is renamed into place.
 */
interface CheckpointFileSink {
  OutputStream create(Path file) throws IOException;

  CheckpointFileSink SYNCED = CheckpointFileSink::openSynced;

  private static OutputStream openSynced(Path file) throws IOException {
    FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    return new FilterOutputStream(Channels.newOutputStream(channel)) {
      @Override
      public void write(byte[] bytes, int offset, int length) throws IOException {
        out.write(bytes, offset, length);
      }

      @Override
      public void close() throws IOException {
        try (channel) {
          flush();
          channel.force(true);
        }
      }
    };
  }
}
