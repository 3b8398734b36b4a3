package io.bastion.db.embedded;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server that Bastion runs itself, from binaries shipped as a Maven artifact, when no external
 * PostgreSQL is configured or reachable. Nothing is downloaded at run time.
 *
 * <p>Layout under {@code root}: {@code bin-<version>/} (the unpacked binaries, shared by restarts),
 * {@code cluster/} (the data directory, persistent), {@code postgres.log} (server and command output) and
 * {@code .lock} (held for the life of the server, so two processes never run the same cluster).
 *
 * <p>The server listens on 127.0.0.1 only, with trust authentication for the superuser {@value #SUPERUSER}:
 * there is no password to configure or leak, and only local processes can connect. All methods block; call
 * them on a worker thread. The caller owns the lifecycle: nothing global is registered (no shutdown hook),
 * so the caller must {@link #close()} it.
 */
public final class EmbeddedPostgres implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgres.class);

    private static final String HOST = "127.0.0.1";
    private static final String SUPERUSER = "bastion";
    private static final String MAINTENANCE_DB = "postgres";
    private static final Pattern DATABASE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    private static final Duration INITDB_TIMEOUT = Duration.ofMinutes(3);
    private static final int START_WAIT_SECONDS = 60;
    private static final int STOP_WAIT_SECONDS = 30;
    private static final Duration PG_CTL_SLACK = Duration.ofSeconds(15);
    private static final long LOG_ROTATE_BYTES = 10L * 1024 * 1024;

    /**
     * Appended to postgresql.conf after initdb: sized for a small machine, durable. The port, listen address
     * and socket directory are not here but on the command line of every start, so the server always matches
     * what Bastion was asked for.
     */
    private static final String CONF_BLOCK = String.join("\n",
            "",
            "# --- Added by Bastion (embedded PostgreSQL). Tune below; port and listen address are set at start. ---",
            "max_connections = 100",
            "shared_buffers = 128MB",
            "work_mem = 4MB",
            "maintenance_work_mem = 64MB",
            "fsync = on",
            "synchronous_commit = on",
            "full_page_writes = on",
            "max_wal_size = 1GB",
            "log_line_prefix = '%m [%p] '",
            "");

    /**
     * Roots whose {@code .lock} this JVM holds. The file lock is an fcntl lock: it belongs to the whole process, and
     * closing <em>any</em> descriptor of the file drops it. A second start of the same root in this JVM must
     * therefore be refused before it opens the file, or its failed attempt would silently unlock the root for
     * other processes. This set is the one piece of static state here, on purpose: it mirrors OS state that is
     * itself per process. Entries are removed by {@link #close()} and by failed starts.
     */
    private static final Set<Path> ROOTS_LOCKED_HERE = ConcurrentHashMap.newKeySet();

    private final Path root;
    private final Path cluster;
    private final Path binDir;
    private final int port;
    private final String version;
    private final UnprivilegedLauncher launcher;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedPostgres(Path root, Path cluster, Path binDir, int port, String version,
            UnprivilegedLauncher launcher, FileChannel lockChannel, FileLock lock) {
        this.root = root;
        this.cluster = cluster;
        this.binDir = binDir;
        this.port = port;
        this.version = version;
        this.launcher = launcher;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Unpacks the binaries if needed ({@code root/bin-<version>/}), runs initdb if the cluster is new
     * ({@code root/cluster/}), starts the server on 127.0.0.1:{@code port} and waits until it accepts connections.
     *
     * @throws IOException with the failing command, its exit code and the end of the PostgreSQL log; or when
     *     another process already runs a server on this root
     */
    public static EmbeddedPostgres start(Path root, int port) throws IOException {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535, got " + port);
        }
        Path absRoot = Files.createDirectories(root.toAbsolutePath().normalize()).toRealPath();
        if (!ROOTS_LOCKED_HERE.add(absRoot)) {
            throw new IOException("Embedded PostgreSQL directory " + absRoot + " is already in use by another"
                    + " EmbeddedPostgres in this process; close that one first, or give this one its own directory.");
        }
        FileChannel lockChannel = null;
        try {
            lockChannel = FileChannel.open(absRoot.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = lockChannel.tryLock();
            if (lock == null) {
                throw new IOException("Embedded PostgreSQL directory " + absRoot + " is already in use by another"
                        + " Bastion process (" + absRoot.resolve(".lock") + " is locked). Stop that process, or give"
                        + " this one its own embedded PostgreSQL directory or an external PostgreSQL (postgres.url).");
            }
            try {
                return startLocked(absRoot, port, lockChannel, lock);
            } catch (IOException | RuntimeException | Error e) {
                lock.release();
                throw e;
            }
        } catch (IOException | RuntimeException | Error e) {
            if (lockChannel != null) {
                lockChannel.close();
            }
            ROOTS_LOCKED_HERE.remove(absRoot);
            throw e;
        }
    }

    private static EmbeddedPostgres startLocked(Path root, int port, FileChannel lockChannel, FileLock lock)
            throws IOException {
        Path log = root.resolve("postgres.log");
        Path cluster = root.resolve("cluster");
        // First, so a root-without-namespaces misconfiguration fails before seconds of unpacking.
        UnprivilegedLauncher launcher = UnprivilegedLauncher.choose(root, log);
        long started = System.nanoTime();
        BinaryUnpacker unpacker = BinaryUnpacker.locate();
        Path binDir = root.resolve(unpacker.directoryName());
        boolean unpacked = unpacker.unpackInto(binDir);
        String version = unpacker.version(binDir);
        if (unpacked) {
            LOG.info("Unpacked PostgreSQL {} binaries into {} in {} ms", version, binDir, elapsedMs(started));
        }

        stopLeftoverServer(cluster, binDir, launcher);
        rotateLog(log);
        Files.writeString(log, "", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        launcher.prepareOwnership(root);

        boolean created = initClusterIfNew(root, cluster, binDir, version, launcher);
        EmbeddedPostgres pg = new EmbeddedPostgres(root, cluster, binDir, port, version, launcher, lockChannel, lock);
        try {
            launcher.runChecked(List.of(binDir.resolve("bin/pg_ctl").toString(), "start", "-w",
                    "-t", String.valueOf(START_WAIT_SECONDS), "-D", cluster.toString(), "-l", log.toString(),
                    "-o", "-p " + port + " -c listen_addresses=" + HOST + " -c unix_socket_directories=''"),
                    Duration.ofSeconds(START_WAIT_SECONDS).plus(PG_CTL_SLACK));
            pg.verifyServesCluster();
        } catch (IOException | RuntimeException e) {
            // pg_ctl gives up after -t seconds while the server may still be starting (long crash recovery):
            // never leave a server behind once we release the lock.
            try {
                if (Files.exists(cluster.resolve("postmaster.pid"))) {
                    pg.stopServer();
                }
            } catch (IOException | RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        LOG.info("Embedded PostgreSQL {} started on {}:{}, data dir {} ({}), user namespace: {}", version, HOST, port,
                cluster, created ? "new cluster" : "existing cluster",
                launcher.mode() == UnprivilegedLauncher.Mode.USER_NAMESPACE ? "yes"
                        : "no (" + launcher.mode().name().toLowerCase(Locale.ROOT) + ")");
        return pg;
    }

    /**
     * We hold the lock, so no live Bastion process owns this cluster; a server still running on it is an orphan of
     * a process that died without closing it (kill -9, OOM killer). We stop it cleanly (fast shutdown, which
     * checkpoints: no data loss) rather than reuse it, because it may listen on another port, run an older build's
     * settings and log to a file we no longer follow; a fresh start gives a known state for a second's cost.
     * A postmaster.pid whose process is not a PostgreSQL serving this cluster (e.g. the pid was reused after a
     * reboot) is stale and is deleted, since the postmaster itself would refuse to start over a live pid.
     */
    private static void stopLeftoverServer(Path cluster, Path binDir, UnprivilegedLauncher launcher) throws IOException {
        Path pidFile = cluster.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        long pid = readPid(pidFile);
        if (!isPostmasterOf(pid, cluster)) {
            LOG.info("Removing stale {} (pid {} is not a PostgreSQL server for this cluster)", pidFile, pid);
            Files.deleteIfExists(pidFile);
            return;
        }
        LOG.warn("A PostgreSQL server (pid {}) left running on {} by an earlier process is being stopped before a"
                + " fresh start", pid, cluster);
        String pgCtl = binDir.resolve("bin/pg_ctl").toString();
        int exit = launcher.run(List.of(pgCtl, "stop", "-D", cluster.toString(), "-m", "fast", "-w",
                "-t", String.valueOf(STOP_WAIT_SECONDS)), Duration.ofSeconds(STOP_WAIT_SECONDS).plus(PG_CTL_SLACK));
        if (exit != 0) {
            launcher.runChecked(List.of(pgCtl, "stop", "-D", cluster.toString(), "-m", "immediate", "-w",
                    "-t", String.valueOf(STOP_WAIT_SECONDS)), Duration.ofSeconds(STOP_WAIT_SECONDS).plus(PG_CTL_SLACK));
        }
    }

    /** The postmaster's pid from the first line of postmaster.pid; -1 when the file is missing or unreadable. */
    private static long readPid(Path pidFile) {
        try {
            return Long.parseLong(Files.readAllLines(pidFile, StandardCharsets.UTF_8).get(0).trim());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** True when {@code pid} is alive and is a postmaster whose working directory is {@code cluster}. */
    private static boolean isPostmasterOf(long pid, Path cluster) {
        Optional<ProcessHandle> handle = pid > 0 ? ProcessHandle.of(pid) : Optional.empty();
        if (handle.isEmpty() || !handle.get().isAlive()) {
            return false;
        }
        try {
            // The postmaster chdirs into its data directory: the strongest cheap proof that it serves this cluster.
            return Files.readSymbolicLink(Path.of("/proc", String.valueOf(pid), "cwd")).equals(cluster.toRealPath());
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return handle.get().info().command()
                    .map(cmd -> Path.of(cmd).getFileName().toString().equals("postgres"))
                    .orElse(true); // cannot tell: let pg_ctl try to stop it rather than delete a live server's pid file
        }
    }

    /**
     * Runs initdb when {@code cluster} has no PG_VERSION yet. initdb writes into a temporary sibling that is renamed
     * into place only when complete, so a crash mid-initdb never leaves a half-made cluster that later starts fail on.
     *
     * @return whether a new cluster was created
     */
    private static boolean initClusterIfNew(Path root, Path cluster, Path binDir, String version,
            UnprivilegedLauncher launcher) throws IOException {
        BinaryUnpacker.deleteLeftovers(root, "cluster.initdb-");
        if (Files.exists(cluster.resolve("PG_VERSION"))) {
            checkMajorVersion(cluster, version);
            return false;
        }
        if (Files.exists(cluster, LinkOption.NOFOLLOW_LINKS)) {
            try (var entries = Files.list(cluster)) {
                if (entries.findAny().isPresent()) {
                    throw new IOException(cluster + " exists but is not a PostgreSQL data directory (no PG_VERSION)"
                            + " and is not empty; move it away so Bastion can create a new cluster.");
                }
            }
            Files.delete(cluster);
        }
        Path temp = root.resolve("cluster.initdb-" + ProcessHandle.current().pid());
        try {
            launcher.runChecked(List.of(binDir.resolve("bin/initdb").toString(), "-D", temp.toString(),
                    "-U", SUPERUSER, "-A", "trust", "-E", "UTF8", "--locale=C"), INITDB_TIMEOUT);
            Files.writeString(temp.resolve("postgresql.conf"), CONF_BLOCK, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            Files.move(temp, cluster, StandardCopyOption.ATOMIC_MOVE);
            BinaryUnpacker.fsync(root);
        } catch (IOException | RuntimeException e) {
            BinaryUnpacker.deleteTree(temp);
            throw e;
        }
        LOG.info("Created a new PostgreSQL cluster in {}", cluster);
        return true;
    }

    /** A cluster from another major version cannot be started by these binaries: say so before pg_ctl does it obscurely. */
    private static void checkMajorVersion(Path cluster, String version) throws IOException {
        String clusterMajor = Files.readString(cluster.resolve("PG_VERSION"), StandardCharsets.UTF_8).trim();
        String binMajor = version.split("\\.")[0];
        if (binMajor.chars().allMatch(Character::isDigit) && !clusterMajor.equals(binMajor)) {
            throw new IOException("The cluster in " + cluster + " was created by PostgreSQL " + clusterMajor
                    + " but the embedded binaries are PostgreSQL " + version + ". Upgrade it with pg_upgrade, or"
                    + " restore a backup into a new directory.");
        }
    }

    /** Keeps the log from growing without bound: one previous generation is kept. */
    private static void rotateLog(Path log) throws IOException {
        if (Files.exists(log) && Files.size(log) > LOG_ROTATE_BYTES) {
            Files.move(log, log.resolveSibling(log.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Confirms that what answers on the port is the server for our cluster, not some other PostgreSQL. */
    private void verifyServesCluster() throws IOException {
        try (Connection c = connect(MAINTENANCE_DB);
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SHOW data_directory")) {
            rs.next();
            Path served = Path.of(rs.getString(1));
            if (!served.equals(cluster)) {
                throw new IOException("The PostgreSQL answering on " + HOST + ":" + port + " serves " + served
                        + ", not " + cluster + ". Another server holds the port: choose another port.");
            }
        } catch (SQLException e) {
            throw new IOException("PostgreSQL started but does not accept connections on " + HOST + ":" + port
                    + " (SQLSTATE " + e.getSQLState() + "): " + e.getMessage() + launcher.logTail(), e);
        }
    }

    /** The port the server listens on. */
    public int port() {
        return port;
    }

    /** The address the server listens on: {@code 127.0.0.1}. */
    public String host() {
        return HOST;
    }

    /** The superuser, {@code bastion}; it authenticates by trust (no password) on 127.0.0.1. */
    public String superuser() {
        return SUPERUSER;
    }

    /** The binaries' version, from the artifact (e.g. {@code 17.6.0}), or from the binaries in a shaded jar. */
    public String version() {
        return version;
    }

    /** The data directory ({@code root/cluster}). */
    public Path dataDirectory() {
        return cluster;
    }

    /** A JDBC URL for {@code database}; connect as {@link #superuser()} with no password. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + HOST + ":" + port + "/" + checkDatabaseName(database);
    }

    /**
     * Creates {@code name} unless it exists (connecting to the {@code postgres} database). Safe to call
     * concurrently: losing a creation race counts as success.
     */
    public void createDatabaseIfMissing(String name) throws IOException {
        checkDatabaseName(name);
        try (Connection c = connect(MAINTENANCE_DB)) {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return;
                    }
                }
            }
            try (Statement st = c.createStatement()) {
                // Identifiers cannot be bound as parameters; the name is validated against DATABASE_NAME above.
                st.execute("CREATE DATABASE \"" + name + "\"");
                LOG.info("Created database {} in the embedded PostgreSQL", name);
            } catch (SQLException e) {
                // 42P04 duplicate_database; 23505 when a concurrent CREATE DATABASE wins on the catalog index.
                if (!"42P04".equals(e.getSQLState()) && !"23505".equals(e.getSQLState())) {
                    throw e;
                }
            }
        } catch (SQLException e) {
            throw new IOException("Could not create database " + name + " in the embedded PostgreSQL on " + HOST + ":"
                    + port + " (SQLSTATE " + e.getSQLState() + "): " + e.getMessage(), e);
        }
    }

    /**
     * Stops the server ({@code pg_ctl stop -m fast -w}, bounded; {@code -m immediate} if that fails) and releases
     * the lock. Idempotent; never throws: failures are logged.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            stopServer();
            LOG.info("Embedded PostgreSQL on {}:{} stopped", HOST, port);
        } catch (IOException | RuntimeException e) {
            LOG.error("Could not stop the embedded PostgreSQL on {}:{} cleanly: {}", HOST, port, e.getMessage());
        } finally {
            try {
                lock.release();
                lockChannel.close();
            } catch (IOException e) {
                LOG.warn("Could not release {}: {}", root.resolve(".lock"), e.getMessage());
            } finally {
                ROOTS_LOCKED_HERE.remove(root);
            }
        }
    }

    private void stopServer() throws IOException {
        String pgCtl = binDir.resolve("bin/pg_ctl").toString();
        Duration bound = Duration.ofSeconds(STOP_WAIT_SECONDS).plus(PG_CTL_SLACK);
        int exit = launcher.run(List.of(pgCtl, "stop", "-D", cluster.toString(), "-m", "fast", "-w",
                "-t", String.valueOf(STOP_WAIT_SECONDS)), bound);
        if (exit != 0 && Files.exists(cluster.resolve("postmaster.pid"))
                && isPostmasterOf(readPid(cluster.resolve("postmaster.pid")), cluster)) {
            LOG.warn("Fast shutdown of the embedded PostgreSQL failed (exit code {}); shutting down immediately", exit);
            launcher.runChecked(List.of(pgCtl, "stop", "-D", cluster.toString(), "-m", "immediate", "-w",
                    "-t", String.valueOf(STOP_WAIT_SECONDS)), bound);
        }
    }

    private Connection connect(String database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", SUPERUSER);
        props.setProperty("connectTimeout", "10");
        props.setProperty("socketTimeout", "60");
        props.setProperty("ApplicationName", "bastion-embedded");
        return DriverManager.getConnection(jdbcUrl(database), props);
    }

    private static String checkDatabaseName(String name) {
        if (name == null || !DATABASE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("Database name must match " + DATABASE_NAME.pattern() + ": " + name);
        }
        return name;
    }

    private static long elapsedMs(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
