// Push notifications for follows and mentions, delivered from the domain's outbox.
export { startPushDispatcher } from './dispatcher.ts';
export type { PushDispatcher, PushDispatcherOptions, PushLog, PushLogEntry } from './dispatcher.ts';
export { createExpoPushClient, MAX_MESSAGES_PER_REQUEST } from './expo-push-client.ts';
export type { PushClient, PushClientOptions, PushMessage, PushTicket, SendOutcome } from './expo-push-client.ts';
export { messagesFor, notificationFor } from './notifications.ts';
export type { Notification } from './notifications.ts';
