// Owned by the products feature; filled in as it lands.
export {};
