package io.bastion.fhir.bulk;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes one type's resources as NDJSON into {@code Type-1.ndjson}, {@code Type-2.ndjson}, … in a job's
 * directory, starting a new file every {@code perFile} resources. A file is created only when a resource
 * arrives, so a type with no resources leaves none. Blocking: runs on an export worker.
 */
final class NdjsonFiles implements AutoCloseable {

  private final Path dir;
  private final String type;
  private final int perFile;
  private final List<ExportFile> written = new ArrayList<>();
  private BufferedWriter out;
  private String name;
  private long inFile;

  NdjsonFiles(Path dir, String type, int perFile) {
    this.dir = dir;
    this.type = type;
    this.perFile = perFile;
  }

  /** Appends one resource; {@code json} is jsonb's text output, which never contains a raw newline. */
  void write(String json) throws IOException {
    if (out == null || inFile == perFile) {
      roll();
    }
    out.write(json);
    out.write('\n');
    inFile++;
  }

  private void roll() throws IOException {
    finishFile();
    name = type + "-" + (written.size() + 1) + ".ndjson";
    out = Files.newBufferedWriter(dir.resolve(name), StandardCharsets.UTF_8);
    inFile = 0;
  }

  private void finishFile() throws IOException {
    if (out != null) {
      out.close();
      written.add(new ExportFile(name, type, inFile));
      out = null;
    }
  }

  /** Closes the last file; returns every file written, in order. */
  List<ExportFile> finish() throws IOException {
    finishFile();
    return List.copyOf(written);
  }

  @Override
  public void close() throws IOException {
    if (out != null) {
      out.close();
      out = null;
    }
  }
}
