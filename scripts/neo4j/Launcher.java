// Minimal Neo4j Community launcher used by scripts/neo4j-server.
//
// It runs the embedded DBMS with the Bolt connector switched on, so the server
// is reachable by any Bolt client (Python driver, cypher-shell, ...). All
// settings come from a neo4j.conf-style file that the script generates.
//
// Usage:
//   java -cp '<cache>/classes:<cache>/lib/*' Launcher <home-dir> <conf-file> <ready-file>
//
//   home-dir    Neo4j home: data/ (databases + transaction logs) and logs/ live here
//   conf-file   properties in neo4j.conf syntax (validated strictly by Neo4j)
//   ready-file  written once the default database is available; removed on shutdown
//
// Environment:
//   GRAPHKIT_NEO4J_PASSWORD  if set (and auth is enabled in the conf file), the
//                            password of user "neo4j" is set to it at every start.
//
// SIGTERM/SIGINT run a JVM shutdown hook that shuts the DBMS down cleanly
// (checkpoint + close). A SIGKILL is also survivable: Neo4j replays its
// transaction log on the next start.

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.logging.log4j.Log4jLogProvider;

public final class Launcher {
    private static final String DEFAULT_DB = "neo4j";
    private static final String SYSTEM_DB = "system";
    private static final long AVAILABLE_TIMEOUT_MS = TimeUnit.MINUTES.toMillis(5);

    public static void main(String[] args) {
        if (args.length != 3) {
            System.err.println("usage: Launcher <home-dir> <conf-file> <ready-file>");
            System.exit(2);
        }
        try {
            run(args);
        } catch (Throwable t) {
            // Neo4j leaves non-daemon threads behind, so a failed start must
            // end the JVM explicitly (this also runs the shutdown hook).
            log("startup failed: " + t);
            t.printStackTrace(System.out);
            System.exit(1);
        }
    }

    private static void run(String[] args) throws Exception {
        Path home = Path.of(args[0]).toAbsolutePath();
        Path conf = Path.of(args[1]).toAbsolutePath();
        Path ready = Path.of(args[2]).toAbsolutePath();
        Files.deleteIfExists(ready);

        log("starting Neo4j, home=" + home + ", config=" + conf);
        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .loadPropertiesFromFile(conf)
                .setUserLogProvider(new Log4jLogProvider(System.out))
                .build();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log("shutdown requested, stopping Neo4j");
            try {
                dbms.shutdown();
                Files.deleteIfExists(ready);
            } catch (Throwable t) {
                t.printStackTrace();
            } finally {
                log("Neo4j stopped");
                stopped.countDown();
            }
        }, "graphkit-neo4j-shutdown"));

        GraphDatabaseService db = dbms.database(DEFAULT_DB);
        if (!db.isAvailable(AVAILABLE_TIMEOUT_MS)) {
            throw new IllegalStateException("database '" + DEFAULT_DB + "' did not become available");
        }

        String password = System.getenv("GRAPHKIT_NEO4J_PASSWORD");
        if (password != null && !password.isEmpty()) {
            // Embedded transactions run with full privileges, so the admin
            // command works without logging in; also clears "change required".
            dbms.database(SYSTEM_DB).executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED",
                    Map.of("pw", password));
            log("password of user 'neo4j' set");
        }

        Files.writeString(ready, Long.toString(ProcessHandle.current().pid()) + "\n");
        log("ready");
        stopped.await(); // keep the JVM alive until the shutdown hook has run
    }

    private static void log(String message) {
        System.out.println(Instant.now() + " [graphkit-launcher] " + message);
        System.out.flush();
    }

    private Launcher() {}
}
