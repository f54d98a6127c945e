package seedsearch.opensearchnode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.settings.Settings;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * One OpenSearch node in this JVM, HTTP on 127.0.0.1:PORT, until the process is killed.
 *
 * <p>Usage: {@code OpenSearchNode PORT DATA_DIR [--cluster NAME] [--seed HOST:PORT]
 * [--transport-port N] [--stop-on-stdin-eof]}. The transport port defaults to PORT+1;
 * {@code --seed} names another node's transport address. Without a seed the node bootstraps a
 * cluster of its own, which other nodes may then join. With {@code --stop-on-stdin-eof} the node
 * stops when its standard input closes, so a test run that dies leaves no node behind.
 *
 * <p>A node started this way skips what the packaged server's bootstrap does (security manager,
 * jar-hell check, production bootstrap checks): it binds loopback only and serves tests.
 */
public final class OpenSearchNode {

    /** The server's Node with the two modules a search index needs loaded from the classpath. */
    static final class EmbeddedNode extends Node {
        private static final List<Class<? extends Plugin>> PLUGINS =
                List.of(Netty4Plugin.class, CommonAnalysisPlugin.class);

        EmbeddedNode(Settings settings) {
            super(InternalSettingsPreparer.prepareEnvironment(
                    settings, Map.of(), null, () -> settings.get("node.name")), PLUGINS, true);
        }
    }

    /** The command line, parsed. */
    record Options(int httpPort, int transportPort, Path dataDir, String cluster, String seed,
                   boolean stopOnStdinEof) {}

    private OpenSearchNode() {}

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("opensearch-node: " + e.getMessage());
            System.err.println("usage: run PORT DATA_DIR [--cluster NAME] [--seed HOST:PORT]"
                    + " [--transport-port N] [--stop-on-stdin-eof]");
            System.exit(2);
            return;
        }
        Node node = new EmbeddedNode(settings(options));
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
            } catch (Exception e) {
                System.err.println("opensearch-node: error while stopping: " + e);
            } finally {
                closed.countDown();
            }
        }));
        node.start();
        System.out.printf("opensearch-node: started, http 127.0.0.1:%d, transport 127.0.0.1:%d,"
                + " cluster %s%n", options.httpPort(), options.transportPort(), options.cluster());
        System.out.flush();
        if (options.stopOnStdinEof()) {
            while (System.in.read() != -1) {
                // the parent keeps the pipe open and writes nothing
            }
            System.out.println("opensearch-node: standard input closed, stopping");
            System.exit(0);
        }
        closed.await();
    }

    static Options parse(String[] args) {
        List<String> positional = new ArrayList<>();
        String cluster = "seedsearch";
        String seed = null;
        Integer transportPort = null;
        boolean stopOnStdinEof = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--stop-on-stdin-eof")) {
                stopOnStdinEof = true;
            } else if (arg.startsWith("--")) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(arg + " needs a value");
                }
                String value = args[++i];
                switch (arg) {
                    case "--cluster" -> cluster = value;
                    case "--seed" -> seed = value;
                    case "--transport-port" -> transportPort = port(value, arg);
                    default -> throw new IllegalArgumentException("unknown option " + arg);
                }
            } else {
                positional.add(arg);
            }
        }
        if (positional.size() != 2) {
            throw new IllegalArgumentException("expected PORT and DATA_DIR");
        }
        int httpPort = port(positional.get(0), "PORT");
        if (transportPort == null) {
            transportPort = port(Integer.toString(httpPort + 1), "PORT+1 (the transport port)");
        }
        Path dataDir = Path.of(positional.get(1)).toAbsolutePath();
        return new Options(httpPort, transportPort, dataDir, cluster, seed, stopOnStdinEof);
    }

    private static int port(String text, String name) {
        try {
            int port = Integer.parseInt(text);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be a port number 1-65535, not " + text);
    }

    static Settings settings(Options options) {
        String nodeName = "node-" + options.httpPort();
        Settings.Builder builder = Settings.builder()
                .put("cluster.name", options.cluster())
                .put("node.name", nodeName)
                .put("path.home", options.dataDir().toString())
                .put("path.data", options.dataDir().resolve("data").toString())
                .put("path.logs", options.dataDir().resolve("logs").toString())
                .put("network.host", "127.0.0.1")
                .put("http.port", options.httpPort())
                .put("transport.port", options.transportPort())
                // A shared development disk may be fuller than the default watermarks allow,
                // which would leave replicas unassigned or make indices read-only.
                .put("cluster.routing.allocation.disk.threshold_enabled", false)
                // Tests clean up with wildcard deletes (DELETE /seedsearch-test-*).
                .put("action.destructive_requires_name", false);
        if (options.seed() == null) {
            builder.putList("discovery.seed_hosts", List.of())
                    .putList("cluster.initial_cluster_manager_nodes", List.of(nodeName));
        } else {
            builder.putList("discovery.seed_hosts", List.of(options.seed()));
        }
        return builder.build();
    }
}
