package io.bastion.db.embedded;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs PostgreSQL's programs (initdb, pg_ctl) as an unprivileged user, because PostgreSQL refuses to run as
 * root. The way to get there is chosen once per start:
 *
 * <ul>
 *   <li>{@link Mode#DIRECT} — the JVM is not root: run the commands as they are;</li>
 *   <li>{@link Mode#USER_NAMESPACE} — root, and {@code unshare --user} works: each command runs in a fresh user
 *       namespace where it is uid {@value #NAMESPACE_UID}. On disk its files stay owned by root, and it reaches
 *       them even under 0700 parents, because outside the namespace it still <em>is</em> root (without any
 *       capability). Nothing needs chowning;</li>
 *   <li>{@link Mode#RUNUSER} — root, no user namespaces (older util-linux, seccomp in containers):
 *       {@code runuser -u nobody}, after chowning the root directory to {@code nobody}. This only works when every
 *       parent of the root directory is searchable by {@code nobody}; otherwise start fails and says so.</li>
 * </ul>
 *
 * Every command's output is appended to the PostgreSQL log file, never to stdout, and every wait is bounded.
 */
final class UnprivilegedLauncher {

    enum Mode { DIRECT, USER_NAMESPACE, RUNUSER }

    /** The uid/gid the commands have inside the user namespace: any non-zero id will do, it maps to root outside. */
    static final int NAMESPACE_UID = 1000;
    static final String FALLBACK_USER = "nobody";

    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);
    private static final int LOG_TAIL_LINES = 25;
    /** Written to the log before each command's output, so an error message can quote just that command's output. */
    private static final String COMMAND_MARKER = " bastion: $ ";

    private final Mode mode;
    private final Path logFile;

    private UnprivilegedLauncher(Mode mode, Path logFile) {
        this.mode = mode;
        this.logFile = logFile;
    }

    /**
     * Picks the way to run PostgreSQL for {@code root}, probing what this system allows.
     *
     * @param logFile where every command's output is appended
     * @throws IOException when running as root and neither a user namespace nor {@code runuser} can be used
     */
    static UnprivilegedLauncher choose(Path root, Path logFile) throws IOException {
        if (!"0".equals(capture(List.of("id", "-u")).trim())) {
            return new UnprivilegedLauncher(Mode.DIRECT, logFile);
        }
        String unshareProblem;
        try {
            String uid = capture(namespacePrefix(List.of("id", "-u"))).trim();
            if (uid.equals(String.valueOf(NAMESPACE_UID))) {
                return new UnprivilegedLauncher(Mode.USER_NAMESPACE, logFile);
            }
            unshareProblem = "'unshare --user' ran as uid " + uid + " instead of " + NAMESPACE_UID;
        } catch (IOException e) {
            unshareProblem = e.getMessage();
        }
        String advice = " Configure an external PostgreSQL (postgres.url) or run Bastion as a non-root user.";
        try {
            capture(runuserPrefix(List.of("true")));
        } catch (IOException e) {
            throw new IOException("PostgreSQL refuses to run as root, and neither way to drop privileges works here:"
                    + " user namespaces (" + unshareProblem + ") nor '" + String.join(" ", runuserPrefix(List.of("true")))
                    + "' (" + e.getMessage() + ")." + advice, e);
        }
        Path parent = root.toAbsolutePath().getParent();
        try {
            capture(runuserPrefix(List.of("test", "-x", parent.toString())));
        } catch (IOException e) {
            throw new IOException("PostgreSQL refuses to run as root; user namespaces are unavailable here ("
                    + unshareProblem + "), and the fallback user '" + FALLBACK_USER + "' cannot reach " + root
                    + " because " + parent + " or one of its parents is not searchable by it." + advice
                    + " Alternatively put the embedded PostgreSQL directory where '" + FALLBACK_USER
                    + "' can traverse (e.g. under /var/lib/bastion).", e);
        }
        return new UnprivilegedLauncher(Mode.RUNUSER, logFile);
    }

    Mode mode() {
        return mode;
    }

    /**
     * Makes the root directory usable by the user the commands run as: in {@link Mode#RUNUSER} mode, chowns
     * everything under it to {@code nobody}; otherwise nothing to do.
     */
    void prepareOwnership(Path root) throws IOException {
        if (mode != Mode.RUNUSER) {
            return;
        }
        UserPrincipal nobody = root.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(FALLBACK_USER);
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                chown(dir);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                chown(file);
                return FileVisitResult.CONTINUE;
            }

            private void chown(Path p) throws IOException {
                PosixFileAttributeView view =
                        Files.getFileAttributeView(p, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
                if (!view.getOwner().equals(nobody)) {
                    view.setOwner(nobody);
                }
            }
        });
    }

    /** Runs a PostgreSQL program, appending its output to the log; returns its exit code. */
    int run(List<String> command, Duration timeout) throws IOException {
        List<String> full = wrap(command);
        Files.writeString(logFile, Instant.now() + COMMAND_MARKER + String.join(" ", full) + System.lineSeparator(),
                StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        ProcessBuilder pb = new ProcessBuilder(full)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        sanitise(pb.environment());
        Process process = pb.start();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IOException(describe(command) + " did not finish within " + timeout.toSeconds() + " s."
                        + logTail());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while waiting for " + describe(command), e);
        }
    }

    /** Like {@link #run} but fails with the command, its exit code and the end of the log unless it exits 0. */
    void runChecked(List<String> command, Duration timeout) throws IOException {
        int exit = run(command, timeout);
        if (exit != 0) {
            throw new IOException(describe(command) + " failed with exit code " + exit + "." + logTail());
        }
    }

    /**
     * The end of the PostgreSQL log, formatted to be appended to an error message: the output of the last command
     * Bastion ran (and of the server it started), at most {@value #LOG_TAIL_LINES} lines.
     */
    String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            int from = Math.max(0, lines.size() - LOG_TAIL_LINES);
            for (int i = lines.size() - 1; i > from; i--) {
                if (lines.get(i).contains(COMMAND_MARKER)) {
                    from = i;
                    break;
                }
            }
            return System.lineSeparator() + "Last lines of " + logFile + ":" + System.lineSeparator()
                    + String.join(System.lineSeparator(), lines.subList(from, lines.size()));
        } catch (IOException | RuntimeException e) {
            return " (could not read " + logFile + ": " + e.getMessage() + ")";
        }
    }

    private static String describe(List<String> command) {
        return "'" + String.join(" ", command) + "'";
    }

    private List<String> wrap(List<String> command) {
        return switch (mode) {
            case DIRECT -> command;
            case USER_NAMESPACE -> namespacePrefix(command);
            case RUNUSER -> runuserPrefix(command);
        };
    }

    private static List<String> namespacePrefix(List<String> command) {
        List<String> full = new ArrayList<>(List.of("unshare", "--user",
                "--map-user=" + NAMESPACE_UID, "--map-group=" + NAMESPACE_UID, "--"));
        full.addAll(command);
        return full;
    }

    private static List<String> runuserPrefix(List<String> command) {
        List<String> full = new ArrayList<>(List.of("runuser", "-u", FALLBACK_USER, "--"));
        full.addAll(command);
        return full;
    }

    /**
     * Drops libpq/PostgreSQL variables that would silently redirect the programs (PGDATA, PGPORT, PGHOST...),
     * and pins the C locale so messages in the log are in English whatever the host's locale.
     */
    private static void sanitise(Map<String, String> env) {
        env.keySet().removeIf(name -> name.startsWith("PG"));
        env.put("LC_ALL", "C");
        env.put("LANG", "C");
    }

    /** Runs a short probe and returns its output; fails unless it exits 0 within the probe timeout. */
    private static String capture(List<String> command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        sanitise(pb.environment());
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new IOException(describe(command) + " could not be run: " + e.getMessage(), e);
        }
        try (InputStream out = process.getInputStream()) {
            process.getOutputStream().close();
            if (!process.waitFor(PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IOException(describe(command) + " did not finish within " + PROBE_TIMEOUT.toSeconds() + " s");
            }
            String output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IOException(describe(command) + " exited with " + process.exitValue() + ": " + output.trim());
            }
            return output;
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while running " + describe(command), e);
        }
    }
}
