import {
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { lambdaContext } from './lambda-context';

type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined>;

export interface ApplyWorkerOptions {
  sqs: SQSClient;
  queueUrl: string;
  queueArn: string;
  handler: SqsHandler;
  /** Seconds a failed message stays invisible before the next attempt, as a short local stand-in. */
  retryDelaySeconds?: number;
  onError?: (error: unknown) => void;
}

/**
 * Plays the part of the Lambda SQS event source mapping locally: receives batches from the FIFO
 * queue, invokes the apply handler, deletes the records it reports as done, and makes the failed
 * ones visible again after a short delay, so the queue's redrive policy moves them to the DLQ after
 * the maximum receive count, as on AWS.
 */
export class ApplyWorker {
  private running = false;
  private busy = false;
  private loop: Promise<void> | undefined;

  constructor(private readonly options: ApplyWorkerOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** Waits until the queue has no visible or in-flight message and no batch is being applied. */
  async drain(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.busy && (await this.queueDepth()) === 0) return;
      await sleep(100);
    }
    throw new Error(`The roster queue did not drain within ${timeoutMs} ms.`);
  }

  async queueDepth(): Promise<number> {
    const { Attributes } = await this.options.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: this.options.queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return (
      Number(Attributes?.ApproximateNumberOfMessages ?? 0) +
      Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
    );
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        const received = await this.pollOnce();
        if (received === 0) await sleep(100);
      } catch (error) {
        this.options.onError?.(error);
        await sleep(500);
      }
    }
  }

  private async pollOnce(): Promise<number> {
    const { sqs, queueUrl } = this.options;
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        // Short polls: local-aws-sqs waits the whole WaitTimeSeconds when several messages are ready.
        WaitTimeSeconds: 0,
        VisibilityTimeout: 30,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    if (Messages.length === 0) return 0;

    this.busy = true;
    try {
      const failedIds = await this.invoke(Messages);
      await this.settle(Messages, failedIds);
    } finally {
      this.busy = false;
    }
    return Messages.length;
  }

  /** Invokes the handler and returns the message ids it failed; a thrown error fails the whole batch. */
  private async invoke(messages: Message[]): Promise<Set<string>> {
    const event: SQSEvent = { Records: messages.map((message) => this.toRecord(message)) };
    try {
      const response = await this.options.handler(event, lambdaContext('roster-apply'));
      return new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
    } catch (error) {
      this.options.onError?.(error);
      return new Set(messages.map((message) => message.MessageId ?? ''));
    }
  }

  private async settle(messages: Message[], failedIds: Set<string>): Promise<void> {
    const { sqs, queueUrl } = this.options;
    const done = messages.filter((message) => !failedIds.has(message.MessageId ?? ''));
    if (done.length > 0) {
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: done.map((message, index) => ({
            Id: String(index),
            ReceiptHandle: message.ReceiptHandle,
          })),
        }),
      );
    }
    for (const message of messages.filter((entry) => failedIds.has(entry.MessageId ?? ''))) {
      await sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queueUrl,
          ReceiptHandle: message.ReceiptHandle,
          VisibilityTimeout: this.options.retryDelaySeconds ?? 1,
        }),
      );
    }
  }

  private toRecord(message: Message): SQSRecord {
    const attributes = message.Attributes ?? {};
    return {
      messageId: message.MessageId ?? '',
      receiptHandle: message.ReceiptHandle ?? '',
      body: message.Body ?? '',
      attributes: {
        ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
        SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
        SenderId: attributes.SenderId ?? 'local',
        ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
        MessageGroupId: attributes.MessageGroupId,
        MessageDeduplicationId: attributes.MessageDeduplicationId,
        SequenceNumber: attributes.SequenceNumber,
      },
      messageAttributes: {},
      md5OfBody: message.MD5OfBody ?? '',
      eventSource: 'aws:sqs',
      eventSourceARN: this.options.queueArn,
      awsRegion: 'us-east-1',
    };
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
