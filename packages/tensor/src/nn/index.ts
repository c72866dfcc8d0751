// nn: modules with named parameters, layers, initialisers and losses.
export {};
