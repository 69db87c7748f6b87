export * from './messages';
export * from './backend';
export * from './MessageBus';
export * from './MessageConsumer';
export * from './envelope';
export * from './metrics';
