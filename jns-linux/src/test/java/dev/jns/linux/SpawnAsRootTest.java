package dev.jns.linux;

/** The namespace contract as root, without user namespaces. */
class SpawnAsRootTest extends NamespaceBehaviourContract.AsRoot {
}
