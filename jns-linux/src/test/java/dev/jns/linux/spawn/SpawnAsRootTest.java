package dev.jns.linux.spawn;

/** The namespace contract as root, without user namespaces. */
class SpawnAsRootTest extends NamespaceBehaviourContract.AsRoot {
}
