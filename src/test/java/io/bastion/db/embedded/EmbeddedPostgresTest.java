package io.bastion.db.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Runs the real embedded PostgreSQL: unpacks, initdb, start, stop, restart. No mocks. */
@Timeout(120)
class EmbeddedPostgresTest {

    @TempDir
    Path root;

    @Test
    @SuppressWarnings("try") // close() is called explicitly on purpose: twice, inside try-with-resources
    void dataSurvivesARestartAndCloseReallyStopsTheServer() throws Exception {
        int firstPort = freePort();
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(root, firstPort)) {
            assertEquals("127.0.0.1", pg.host());
            assertEquals(firstPort, pg.port());
            assertEquals("bastion", pg.superuser());
            assertTrue(pg.version().matches("\\d+\\.\\d+.*"), pg.version());
            pg.createDatabaseIfMissing("fhir");
            pg.createDatabaseIfMissing("fhir"); // idempotent
            try (Connection c = connect(pg, "fhir"); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE patient (id text PRIMARY KEY, family text NOT NULL)");
                st.execute("INSERT INTO patient VALUES ('p1', 'Chalmers')");
            }
            pg.close();
            assertRefused(firstPort);
            pg.close(); // second close (and the one from try-with-resources) is harmless
        }

        int secondPort = freePort();
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(root, secondPort);
                Connection c = connect(pg, "fhir");
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT family FROM patient WHERE id = 'p1'")) {
            assertTrue(rs.next(), "the row written before the restart is still there");
            assertEquals("Chalmers", rs.getString(1));
        }
        assertRefused(secondPort);
        assertTrue(Files.readString(root.resolve("postgres.log")).contains("database system is shut down"));
    }

    @Test
    void aSecondStartOnTheSameRootFailsWhileTheFirstRuns() throws Exception {
        try (EmbeddedPostgres first = EmbeddedPostgres.start(root, freePort())) {
            IOException inProcess = assertThrows(IOException.class, () -> EmbeddedPostgres.start(root, freePort()));
            assertTrue(inProcess.getMessage().contains("already in use by another EmbeddedPostgres in this process"),
                    inProcess.getMessage());

            // The usual case: another process. It runs after the in-process attempt, which must not have dropped the lock.
            String otherProcess = startInAnotherProcess(root, freePort());
            assertTrue(otherProcess.contains("already in use by another Bastion process"), otherProcess);
            assertTrue(otherProcess.contains(".lock"), otherProcess);
            assertEquals(1, selectOne(first)); // the refused starts did not disturb the running server
        }
        try (EmbeddedPostgres again = EmbeddedPostgres.start(root, freePort())) {
            assertEquals(1, selectOne(again)); // close released the lock
        }
    }

    @Test
    void aStalePidFileOrAnOrphanedServerDoesNotPreventStart() throws Exception {
        EmbeddedPostgres.start(root, freePort()).close();
        Path cluster = root.resolve("cluster");

        // After a crash and reboot the pid in postmaster.pid may belong to an unrelated live process: here, this JVM.
        Files.writeString(cluster.resolve("postmaster.pid"), ProcessHandle.current().pid() + "\n" + cluster + "\n");
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(root, freePort())) {
            assertEquals(1, selectOne(pg));
        }

        // A server left running by a process that died without closing it (the lock died with that process).
        Path binDir;
        try (var dirs = Files.list(root)) {
            binDir = dirs.filter(p -> p.getFileName().toString().startsWith("bin-")).findFirst().orElseThrow();
        }
        int orphanPort = freePort();
        UnprivilegedLauncher launcher = UnprivilegedLauncher.choose(root, root.resolve("postgres.log"));
        launcher.runChecked(List.of(binDir.resolve("bin/pg_ctl").toString(), "start", "-w", "-D", cluster.toString(),
                "-l", root.resolve("postgres.log").toString(),
                "-o", "-p " + orphanPort + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=''"),
                Duration.ofSeconds(60));
        int port = freePort();
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(root, port)) {
            assertRefused(orphanPort); // the orphan was stopped, not left to run beside us
            assertEquals(1, selectOne(pg));
        }
        assertRefused(port);
    }

    /** Runs {@link SecondProcess} in a new JVM and returns what it printed. */
    private static String startInAnotherProcess(Path root, int port) throws Exception {
        Path out = root.resolveSibling(root.getFileName() + "-second-process.out");
        Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), SecondProcess.class.getName(), root.toString(),
                String.valueOf(port))
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the second process finished");
        String printed = Files.readString(out);
        Files.delete(out);
        assertEquals(3, p.exitValue(), printed);
        return printed;
    }

    /** Entry point of the second process: tries to start on a root this test holds; exits 3 if refused. */
    static final class SecondProcess {
        public static void main(String[] args) {
            try (EmbeddedPostgres pg = EmbeddedPostgres.start(Path.of(args[0]), Integer.parseInt(args[1]))) {
                System.out.println("UNEXPECTEDLY STARTED on " + pg.port());
                System.exit(0);
            } catch (IOException e) {
                System.out.println("REFUSED: " + e.getMessage());
                System.exit(3);
            }
        }
    }

    private static Connection connect(EmbeddedPostgres pg, String database) throws SQLException {
        return DriverManager.getConnection(pg.jdbcUrl(database), pg.superuser(), "");
    }

    private static int selectOne(EmbeddedPostgres pg) throws SQLException {
        try (Connection c = connect(pg, "postgres");
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static void assertRefused(int port) {
        assertThrows(ConnectException.class, () -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            }
        }, "nothing may listen on port " + port + " any more");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
