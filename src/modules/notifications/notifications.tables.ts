export type NotificationsTables = Record<never, never>;
