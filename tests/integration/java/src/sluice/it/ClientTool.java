// Drives a Kafka broker with Apache Kafka's own Java client (kafka-clients 4.x) for the integration
// suite. One subcommand per run; the result is one JSON document on stdout, errors go to stderr
// with a non-zero exit code.
//   admin    BOOTSTRAP TOPIC PARTITIONS             create, describe and list topics
//   produce  BOOTSTRAP TOPIC COUNT KEYS             keyed produce (client defaults: idempotent)
//   consume  BOOTSTRAP TOPIC GROUP COUNT TIMEOUT_MS group consume of COUNT records, commitSync,
//                                                  close (its duration is reported)
package sluice.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

public final class ClientTool {
  private static final long kCallTimeoutSeconds = 30;

  private ClientTool() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: ClientTool admin|produce|consume BOOTSTRAP ...");
      System.exit(2);
    }
    Object result;
    switch (args[0]) {
      case "admin" -> result = admin(args[1], args[2], Integer.parseInt(args[3]));
      case "produce" ->
          result = produce(args[1], args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]));
      case "consume" ->
          result = consume(args[1], args[2], args[3], Integer.parseInt(args[4]),
              Long.parseLong(args[5]));
      default -> {
        System.err.println("unknown subcommand " + args[0]);
        System.exit(2);
        return;
      }
    }
    System.out.println(Json.write(result));
    System.out.flush();
    // Client threads can linger a moment after close(); the answer is out, so stop now.
    System.exit(0);
  }

  // Progress on stderr, so that a slow step shows in a failing test's output.
  private static void phase(String what, long start) {
    System.err.println("ClientTool: " + what + " after " + (System.currentTimeMillis() - start)
        + " ms");
  }

  private static Map<String, Object> admin(String bootstrap, String topic, int partitions)
      throws Exception {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 15000);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30000);
    Map<String, Object> out = new LinkedHashMap<>();
    try (Admin admin = Admin.create(props)) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1)))
          .all()
          .get(kCallTimeoutSeconds, TimeUnit.SECONDS);
      out.put("created", topic);
      // A freshly created topic may need a moment before every partition has a leader.
      TopicDescription description = null;
      long deadline = System.currentTimeMillis() + 15000;
      while (true) {
        description = admin.describeTopics(List.of(topic))
                          .allTopicNames()
                          .get(kCallTimeoutSeconds, TimeUnit.SECONDS)
                          .get(topic);
        boolean allLed = description.partitions().size() == partitions
            && description.partitions().stream().allMatch(p -> p.leader() != null);
        if (allLed || System.currentTimeMillis() > deadline) break;
        Thread.sleep(200);
      }
      List<Object> described = new ArrayList<>();
      for (TopicPartitionInfo p : description.partitions()) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("partition", p.partition());
        entry.put("leader", p.leader() == null ? null : p.leader().id());
        List<Object> replicas = new ArrayList<>();
        for (Node n : p.replicas()) replicas.add(n.id());
        entry.put("replicas", replicas);
        described.add(entry);
      }
      out.put("internal", description.isInternal());
      out.put("partitions", described);
      Set<String> names = admin.listTopics().names().get(kCallTimeoutSeconds, TimeUnit.SECONDS);
      out.put("listed", new ArrayList<>(new java.util.TreeSet<>(names)));
    }
    return out;
  }

  private static Map<String, Object> produce(String bootstrap, String topic, int count, int keys)
      throws Exception {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30000);
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15000);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    Map<String, Object> out = new LinkedHashMap<>();
    List<Object> records = new ArrayList<>();
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
      List<Future<RecordMetadata>> futures = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        futures.add(producer.send(new ProducerRecord<>(topic, "key-" + (i % keys), "value-" + i)));
      }
      producer.flush();
      for (int i = 0; i < count; i++) {
        RecordMetadata md = futures.get(i).get(kCallTimeoutSeconds, TimeUnit.SECONDS);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("key", "key-" + (i % keys));
        r.put("value", "value-" + i);
        r.put("partition", md.partition());
        r.put("offset", md.offset());
        records.add(r);
      }
    }
    out.put("records", records);
    return out;
  }

  private static Map<String, Object> consume(String bootstrap, String topic, String group,
      int count, long timeoutMs) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
    props.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15000);
    props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20000);
    Map<String, Object> out = new LinkedHashMap<>();
    List<Object> records = new ArrayList<>();
    Map<TopicPartition, OffsetAndMetadata> toCommit = new LinkedHashMap<>();
    long start = System.currentTimeMillis();
    KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props);
    try {
      consumer.subscribe(List.of(topic));
      long deadline = System.currentTimeMillis() + timeoutMs;
      while (records.size() < count && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<String, String> rec : consumer.poll(Duration.ofMillis(200))) {
          if (records.size() >= count) break;
          if (records.isEmpty()) phase("first record", start);
          Map<String, Object> r = new LinkedHashMap<>();
          r.put("partition", rec.partition());
          r.put("offset", rec.offset());
          r.put("key", rec.key());
          r.put("value", rec.value());
          records.add(r);
          toCommit.put(new TopicPartition(rec.topic(), rec.partition()),
              new OffsetAndMetadata(rec.offset() + 1));
        }
      }
      phase("consumed " + records.size(), start);
      consumer.commitSync(toCommit, Duration.ofSeconds(kCallTimeoutSeconds));
      phase("committed", start);
      Map<String, Object> committed = new TreeMap<>();
      for (Map.Entry<TopicPartition, OffsetAndMetadata> e :
          consumer.committed(toCommit.keySet(), Duration.ofSeconds(kCallTimeoutSeconds))
              .entrySet()) {
        committed.put(String.valueOf(e.getKey().partition()),
            e.getValue() == null ? null : e.getValue().offset());
      }
      out.put("committed", committed);
    } finally {
      long closeStart = System.currentTimeMillis();
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(kCallTimeoutSeconds)));
      out.put("close_ms", System.currentTimeMillis() - closeStart);
      phase("closed", start);
    }
    out.put("records", records);
    return out;
  }
}
