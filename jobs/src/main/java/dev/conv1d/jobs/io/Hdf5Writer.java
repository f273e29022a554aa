package dev.conv1d.jobs.io;

import io.jhdf.Superblock;
import io.jhdf.WritableGroupImpl;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import io.jhdf.storage.HdfFileChannel;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;

/**
 * Writes an HDF5 file with jhdf's writable groups, but finishes the file itself instead of
 * {@code WritableHdfFile.close()}.
 *
 * <p>Why: jhdf (0.9.4, and 0.13.0 the same) ends a file by writing its version string at the file channel's
 * <em>current</em> position, which is where the last dataset's data ended. Group headers are written at absolute
 * positions and do not move that position, so a group without datasets laid out after the last dataset (Keras 3's
 * empty {@code vars} groups) gets its header overwritten: libhdf5 then fails with "bad object header version number"
 * and jhdf with "Failed to load children". Here the root group is written exactly as jhdf writes it, and the
 * superblock gets the true end of file; the version string, which no reader needs, is left out.
 */
final class Hdf5Writer {
  private Hdf5Writer() {}

  /** Creates (or replaces) {@code file} with the groups, datasets and attributes that {@code content} puts. */
  static void write(Path file, Consumer<WritableGroup> content) throws IOException {
    Files.deleteIfExists(file);
    WritableGroupImpl root = new WritableGroupImpl(null, "/");
    content.accept(root);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
        StandardOpenOption.WRITE)) {
      Superblock.SuperblockV2V3 superblock = new Superblock.SuperblockV2V3();
      HdfFileChannel hdf = new HdfFileChannel(ch, superblock);
      long end = root.write(hdf, WritableHdfFile.ROOT_GROUP_ADDRESS);
      hdf.write(superblock.toBuffer(Math.max(end, ch.size())), 0L);
    } catch (RuntimeException e) {
      Files.deleteIfExists(file);
      throw new IOException(file + ": writing HDF5 failed: " + e.getMessage(), e);
    }
  }
}
