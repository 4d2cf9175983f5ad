// Drives a Kafka broker with KafkaJS 2.2.4 for the integration suite. One subcommand per run; the
// result is one JSON line on stdout (KafkaJS's own log goes to stderr). Every run is bounded by a
// deadline and exits non-zero on any error.
//   admin   BOOTSTRAP TOPIC PARTITIONS              createTopics (twice), metadata, listTopics
//   produce BOOTSTRAP TOPIC COUNT KEYS IDEMPOTENT   keyed produce with acks=-1, offsets per message
//   group   BOOTSTRAP TOPIC GROUP COUNT MEMBERS     MEMBERS consumers split TOPIC; once the group is
//                                                  stable, COUNT messages are produced and consumed
'use strict';

const { Kafka, logLevel, Partitioners } = require('kafkajs');

const kDeadlineMs = 40000;

function stderrLogger() {
  return ({ namespace, level, label, log }) => {
    const { message, ...extra } = log;
    process.stderr.write(`[kafkajs ${label} ${namespace}] ${message} ${JSON.stringify(extra)}\n`);
  };
}

function client(bootstrap, clientId) {
  return new Kafka({
    clientId,
    brokers: [bootstrap],
    logLevel: logLevel.WARN,
    logCreator: stderrLogger,
    connectionTimeout: 5000,
    requestTimeout: 15000,
    retry: { retries: 8, initialRetryTime: 200, maxRetryTime: 2000 },
  });
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function admin(bootstrap, topic, partitions) {
  const a = client(bootstrap, 'kafkajs-admin').admin();
  await a.connect();
  try {
    const created = await a.createTopics({
      topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }],
      waitForLeaders: true,
      timeout: 15000,
    });
    // A second create of the same topic is not an error for createTopics: it answers false.
    const createdAgain = await a.createTopics({
      topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }],
      timeout: 15000,
    });
    const meta = await a.fetchTopicMetadata({ topics: [topic] });
    const cluster = await a.describeCluster();
    const listed = await a.listTopics();
    return {
      created,
      createdAgain,
      partitions: meta.topics[0].partitions
        .map((p) => ({ partition: p.partitionId, leader: p.leader, replicas: p.replicas }))
        .sort((x, y) => x.partition - y.partition),
      brokers: cluster.brokers.map((b) => ({ id: b.nodeId, host: b.host, port: b.port })),
      controller: cluster.controller,
      listed: listed.includes(topic),
    };
  } finally {
    await a.disconnect();
  }
}

// Chooses each message's partition with KafkaJS's default partitioner up front, so that the
// offset of every message follows from the baseOffset the broker returns per partition.
async function produce(bootstrap, topic, count, keys, idempotent) {
  const kafka = client(bootstrap, 'kafkajs-producer');
  const a = kafka.admin();
  await a.connect();
  const meta = await a.fetchTopicMetadata({ topics: [topic] });
  await a.disconnect();
  const partitionMetadata = meta.topics[0].partitions;
  const partitioner = Partitioners.DefaultPartitioner();
  const producer = kafka.producer({
    idempotent,
    maxInFlightRequests: idempotent ? 1 : undefined,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const records = [];
  try {
    const batchSize = 50;
    for (let start = 0; start < count; start += batchSize) {
      const messages = [];
      for (let i = start; i < Math.min(count, start + batchSize); i++) {
        const message = { key: `key-${i % keys}`, value: `kafkajs-${i}` };
        message.partition = partitioner({ topic, partitionMetadata, message });
        messages.push(message);
      }
      const result = await producer.send({ topic, acks: -1, messages });
      const next = new Map();
      for (const r of result) {
        if (r.errorCode !== 0) throw new Error(`produce error ${r.errorCode} on ${r.partition}`);
        next.set(r.partition, BigInt(r.baseOffset));
      }
      for (const m of messages) {
        const offset = next.get(m.partition);
        next.set(m.partition, offset + 1n);
        records.push({ key: m.key, value: m.value, partition: m.partition, offset: Number(offset) });
      }
    }
  } finally {
    await producer.disconnect();
  }
  return { idempotent, records };
}

async function group(bootstrap, topic, groupId, count, members) {
  const kafka = client(bootstrap, 'kafkajs-group');
  const a = kafka.admin();
  await a.connect();
  const meta = await a.fetchTopicMetadata({ topics: [topic] });
  const partitionCount = meta.topics[0].partitions.length;
  const state = [];
  const consumers = [];
  let stableAssignments = [];
  try {
    for (let i = 0; i < members; i++) {
      const consumer = kafka.consumer({
        groupId, sessionTimeout: 10000, heartbeatInterval: 500, rebalanceTimeout: 15000,
      });
      const s = { assignment: [], joins: 0, records: [] };
      state.push(s);
      consumer.on(consumer.events.GROUP_JOIN, (e) => {
        s.joins += 1;
        s.assignment = (e.payload.memberAssignment[topic] || []).slice().sort((x, y) => x - y);
      });
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ partition, message }) => {
          s.records.push({
            partition, offset: Number(message.offset),
            key: message.key && message.key.toString(), value: message.value.toString(),
          });
        },
      });
      consumers.push(consumer);
    }
    const deadline = Date.now() + kDeadlineMs;
    const stable = () => {
      const all = state.flatMap((s) => s.assignment);
      return state.every((s) => s.assignment.length > 0) && all.length === partitionCount &&
             new Set(all).size === partitionCount;
    };
    while (!stable()) {
      if (Date.now() > deadline) throw new Error(`group not stable: ${JSON.stringify(state)}`);
      await sleep(100);
    }
    await sleep(1000);  // no rebalance still under way
    if (!stable()) throw new Error(`group rebalanced again: ${JSON.stringify(state)}`);
    // Closing members below makes the others rebalance: keep the assignment under test.
    stableAssignments = state.map((s) => s.assignment);

    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const messages = [];
    for (let i = 0; i < count; i++) messages.push({ key: `k${i % 11}`, value: `grp-${i}` });
    await producer.send({ topic, acks: -1, messages });
    await producer.disconnect();

    const total = () => state.reduce((n, s) => n + s.records.length, 0);
    while (total() < count) {
      if (Date.now() > deadline) throw new Error(`consumed ${total()} of ${count}`);
      await sleep(100);
    }
    await sleep(1000);  // anything consumed twice shows up now
    if (state.some((s, i) => s.assignment !== stableAssignments[i])) {
      throw new Error(`group rebalanced while consuming: ${JSON.stringify(state)}`);
    }
    for (const c of consumers) await c.disconnect();  // commits the consumed offsets
    consumers.length = 0;
    const committed = await a.fetchOffsets({ groupId, topics: [topic] });
    return {
      members: state.map((s, i) => ({ ...s, assignment: stableAssignments[i] })),
      committed: committed[0].partitions
        .map((p) => ({ partition: p.partition, offset: Number(p.offset) }))
        .sort((x, y) => x.partition - y.partition),
      ends: (await a.fetchTopicOffsets(topic))
        .map((p) => ({ partition: p.partition, offset: Number(p.high) }))
        .sort((x, y) => x.partition - y.partition),
    };
  } finally {
    for (const c of consumers) await c.disconnect().catch(() => {});
    await a.disconnect();
  }
}

async function main() {
  const [command, bootstrap, ...args] = process.argv.slice(2);
  const timer = setTimeout(() => {
    process.stderr.write(`kafkajs-tool ${command}: deadline exceeded\n`);
    process.exit(3);
  }, kDeadlineMs + 10000);
  let result;
  if (command === 'admin') {
    result = await admin(bootstrap, args[0], Number(args[1]));
  } else if (command === 'produce') {
    result = await produce(bootstrap, args[0], Number(args[1]), Number(args[2]), args[3] === '1');
  } else if (command === 'group') {
    result = await group(bootstrap, args[0], args[1], Number(args[2]), Number(args[3]));
  } else {
    throw new Error(`unknown subcommand ${command}`);
  }
  clearTimeout(timer);
  process.stdout.write(JSON.stringify(result) + '\n');
}

main().then(() => process.exit(0), (err) => {
  process.stderr.write(`kafkajs-tool: ${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
});
