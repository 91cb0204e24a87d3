package dev.jns.linux.spawn;

import dev.jns.NamespaceType;
import dev.jns.Spawn;

/** Asks a {@link Spawn} for a namespace type given as a value (the API has one {@code newX()} per type). */
public final class SpawnTypes {
    private SpawnTypes() {
    }

    /** Calls the {@code newX()} method of {@code type} on {@code s}. */
    public static Spawn newNamespace(Spawn s, NamespaceType type) {
        return switch (type) {
            case CGROUP -> s.newCgroup();
            case IPC -> s.newIpc();
            case MOUNT -> s.newMount();
            case NET -> s.newNet();
            case PID -> s.newPid();
            case TIME -> s.newTime();
            case USER -> s.newUser();
            case UTS -> s.newUts();
        };
    }
}
