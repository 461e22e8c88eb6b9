package org.writecache.bench.h2;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.SplittableRandom;

/**
 * A TPC-B-like transaction on one JDBC connection: move an amount into a random account, its teller and its branch,
 * read the account's balance and append a history row; then commit and, if asked, make the commit durable with
 * {@code CHECKPOINT SYNC} (H2 forces its database file).
 *
 * <p>Scale: {@code branches} branches, 10 tellers and {@code accountsPerBranch} accounts per branch.
 */
public final class TpcbWorkload implements AutoCloseable {
    private static final int TELLERS_PER_BRANCH = 10;

    private final Connection connection;
    private final int branches;
    private final int accounts;
    private final boolean checkpointSync;
    private final SplittableRandom random;
    private final PreparedStatement updateAccount;
    private final PreparedStatement selectAccount;
    private final PreparedStatement updateTeller;
    private final PreparedStatement updateBranch;
    private final PreparedStatement insertHistory;
    private final Statement sync;

    /**
     * Prepares the transaction on {@code connection} (autocommit is switched off).
     *
     * @param checkpointSync run {@code CHECKPOINT SYNC} after every commit.
     */
    public TpcbWorkload(final Connection connection, final int branches, final int accountsPerBranch,
                        final boolean checkpointSync, final long seed) throws SQLException {
        this.connection = connection;
        this.branches = branches;
        this.accounts = branches * accountsPerBranch;
        this.checkpointSync = checkpointSync;
        this.random = new SplittableRandom(seed);
        connection.setAutoCommit(false);
        updateAccount = connection.prepareStatement("UPDATE accounts SET abalance = abalance + ? WHERE aid = ?");
        selectAccount = connection.prepareStatement("SELECT abalance FROM accounts WHERE aid = ?");
        updateTeller = connection.prepareStatement("UPDATE tellers SET tbalance = tbalance + ? WHERE tid = ?");
        updateBranch = connection.prepareStatement("UPDATE branches SET bbalance = bbalance + ? WHERE bid = ?");
        insertHistory = connection.prepareStatement(
            "INSERT INTO history(tid, bid, aid, delta, mtime) VALUES (?, ?, ?, ?, CURRENT_TIMESTAMP)");
        sync = connection.createStatement();
    }

    /** Creates and fills the tables (pgbench's schema) in one committed transaction. */
    public static void createSchema(final Connection connection, final int branches, final int accountsPerBranch)
        throws SQLException {
        if (branches < 1 || accountsPerBranch < 1) {
            throw new IllegalArgumentException("branches " + branches + " and accounts per branch "
                + accountsPerBranch + " must be at least 1");
        }
        final boolean auto = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE TABLE branches(bid INT PRIMARY KEY, bbalance BIGINT NOT NULL, filler CHAR(88))");
            s.execute("CREATE TABLE tellers(tid INT PRIMARY KEY, bid INT NOT NULL, tbalance BIGINT NOT NULL,"
                + " filler CHAR(84))");
            s.execute("CREATE TABLE accounts(aid INT PRIMARY KEY, bid INT NOT NULL, abalance BIGINT NOT NULL,"
                + " filler CHAR(84))");
            s.execute("CREATE TABLE history(hid BIGINT AUTO_INCREMENT PRIMARY KEY, tid INT, bid INT, aid INT,"
                + " delta INT, mtime TIMESTAMP, filler CHAR(22))");
            s.execute("INSERT INTO branches SELECT X, 0, '' FROM SYSTEM_RANGE(0, " + (branches - 1) + ")");
            s.execute("INSERT INTO tellers SELECT X, X / " + TELLERS_PER_BRANCH + ", 0, '' FROM SYSTEM_RANGE(0, "
                + (branches * TELLERS_PER_BRANCH - 1) + ")");
            s.execute("INSERT INTO accounts SELECT X, X / " + accountsPerBranch + ", 0, '' FROM SYSTEM_RANGE(0, "
                + ((long) branches * accountsPerBranch - 1) + ")");
        }
        connection.commit();
        connection.setAutoCommit(auto);
    }

    /** Runs one transaction: it is committed (and synced if configured) when this returns. */
    public void transaction() throws SQLException {
        final int aid = random.nextInt(accounts);
        final int bid = random.nextInt(branches);
        final int tid = bid * TELLERS_PER_BRANCH + random.nextInt(TELLERS_PER_BRANCH);
        final int delta = random.nextInt(-5000, 5001);
        updateAccount.setInt(1, delta);
        updateAccount.setInt(2, aid);
        updateAccount.executeUpdate();
        selectAccount.setInt(1, aid);
        try (ResultSet r = selectAccount.executeQuery()) {
            r.next();
        }
        updateTeller.setInt(1, delta);
        updateTeller.setInt(2, tid);
        updateTeller.executeUpdate();
        updateBranch.setInt(1, delta);
        updateBranch.setInt(2, bid);
        updateBranch.executeUpdate();
        insertHistory.setInt(1, tid);
        insertHistory.setInt(2, bid);
        insertHistory.setInt(3, aid);
        insertHistory.setInt(4, delta);
        insertHistory.executeUpdate();
        connection.commit();
        if (checkpointSync) {
            sync.execute("CHECKPOINT SYNC");
        }
    }

    /** @return whether the balances agree: the sum over branches equals the sum of the history's deltas. */
    public boolean consistent() throws SQLException {
        try (Statement s = connection.createStatement();
             ResultSet r = s.executeQuery("SELECT (SELECT COALESCE(SUM(bbalance), 0) FROM branches),"
                 + " (SELECT COALESCE(SUM(delta), 0) FROM history),"
                 + " (SELECT COALESCE(SUM(abalance), 0) FROM accounts)")) {
            r.next();
            return r.getLong(1) == r.getLong(2) && r.getLong(2) == r.getLong(3);
        }
    }

    @Override
    public void close() throws SQLException {
        connection.commit();
        for (final Statement s : new Statement[] {updateAccount, selectAccount, updateTeller, updateBranch,
            insertHistory, sync}) {
            s.close();
        }
    }
}
