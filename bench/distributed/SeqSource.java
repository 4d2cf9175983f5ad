// The Kafka Connect side of the rebalance benchmark (bench/distributed): a source connector that
// behaves like Sluice's VerifiableSource, because Kafka Connect 4.1.1's own VerifiableSource lives
// in a test-plugins artifact that Maven Central does not serve. Each of tasks.max tasks writes
// {"task":T,"seqno":N,"time_ms":...} records, keyed by T, to `topic` at `throughput` records per
// second, and keeps its last seqno as its source offset so that a moved task goes on from there.
// Compiled by bench/distributed/rebalance_bench.py with javac against the Connect jars.
package sluice.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.source.SourceConnector;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;

public class SeqSource extends SourceConnector {
  private Map<String, String> props;

  @Override
  public String version() {
    return "1";
  }

  @Override
  public void start(Map<String, String> props) {
    this.props = props;
  }

  @Override
  public Class<? extends Task> taskClass() {
    return SeqTask.class;
  }

  @Override
  public List<Map<String, String>> taskConfigs(int maxTasks) {
    List<Map<String, String>> configs = new ArrayList<>();
    for (int i = 0; i < maxTasks; i++) {
      Map<String, String> c = new java.util.HashMap<>(props);
      c.put("task.index", Integer.toString(i));
      configs.add(c);
    }
    return configs;
  }

  @Override
  public void stop() {}

  @Override
  public ConfigDef config() {
    return new ConfigDef()
        .define("topic", ConfigDef.Type.STRING, ConfigDef.Importance.HIGH, "target topic")
        .define("throughput", ConfigDef.Type.LONG, 10L, ConfigDef.Importance.LOW,
            "records per second per task");
  }

  /** One sequence: seqno 0, 1, 2, ... paced to `throughput` per second. */
  public static class SeqTask extends SourceTask {
    private String topic;
    private int index;
    private long intervalMs;
    private long next;
    private long due;
    private Map<String, Object> partition;

    @Override
    public String version() {
      return "1";
    }

    @Override
    public void start(Map<String, String> props) {
      topic = props.get("topic");
      index = Integer.parseInt(props.get("task.index"));
      long rate = Long.parseLong(props.getOrDefault("throughput", "10"));
      intervalMs = Math.max(1, 1000 / Math.max(1, rate));
      partition = Collections.singletonMap("task", (Object) index);
      Map<String, Object> offset = context.offsetStorageReader().offset(partition);
      next = offset == null ? 0 : ((Number) offset.get("seqno")).longValue() + 1;
      due = System.currentTimeMillis();
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
      long wait = due - System.currentTimeMillis();
      if (wait > 0) {
        Thread.sleep(Math.min(wait, 100));
        return null;
      }
      due += intervalMs;
      long now = System.currentTimeMillis();
      String value = "{\"task\":" + index + ",\"seqno\":" + next + ",\"time_ms\":" + now + "}";
      SourceRecord r = new SourceRecord(partition, Collections.singletonMap("seqno", (Object) next),
          topic, null, Schema.STRING_SCHEMA, Integer.toString(index), Schema.STRING_SCHEMA, value);
      next++;
      return Collections.singletonList(r);
    }

    @Override
    public void stop() {}
  }
}
