/**
 * The headers of the generic provider's format. They live apart from the adapter so that the webhook
 * function can read the delivery id header without evaluating the adapter's schemas.
 */
export const GENERIC_HEADERS = {
  /** Unix seconds when the sender signed the delivery. */
  timestamp: 'x-talent-sync-timestamp',
  /** One or more `v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>`, separated by spaces or commas. */
  signature: 'x-talent-sync-signature',
  /** Optional sender-chosen id of the delivery, used as the deduplication key. It is not signed. */
  deliveryId: 'x-talent-sync-delivery-id',
} as const;
