/**
 * V8 heap limits each BFF runs with in production (also in the BFFs' own `npm start` scripts).
 * Measured with `npm run bench` on 2 cores, 64 connections: by default V8 lets the heap grow to 400-570 MB
 * under load (the live heap stays near 50 MB: it is garbage waiting for a full collection); these limits hold
 * the process near 200 MB for 10-20% of throughput. The young generation is sized explicitly, since capping the
 * old space alone shrinks it too, and then short-lived request objects get promoted and collections thrash.
 */
export const PRODUCTION_NODE_FLAGS = ['--max-old-space-size=96', '--max-semi-space-size=16'];
