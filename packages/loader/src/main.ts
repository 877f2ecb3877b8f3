import { install, type PrexWindow } from './loader.js';

// Only true while this script runs for the first time: capture it synchronously.
install(window as PrexWindow, document.currentScript as HTMLScriptElement | null);
