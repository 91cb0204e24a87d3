package dev.jns.doctor;

import java.util.Collection;
import java.util.Map;

/** A tiny JSON writer for {@link DoctorReport#toJson()}: core has no JSON dependency. */
final class Json {
    private final StringBuilder sb = new StringBuilder();
    private boolean first = true;

    Json open() {
        comma();
        sb.append('{');
        first = true;
        return this;
    }

    Json close() {
        sb.append('}');
        first = false;
        return this;
    }

    Json key(String k) {
        comma();
        string(k);
        sb.append(':');
        first = true;
        return this;
    }

    Json field(String k, Object v) {
        key(k);
        return value(v);
    }

    Json value(Object v) {
        comma();
        first = false;
        if (v == null) {
            sb.append("null");
        } else if (v instanceof Boolean || v instanceof Integer || v instanceof Long) {
            sb.append(v);
        } else if (v instanceof Map<?, ?> m) {
            sb.append('{');
            first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                key(String.valueOf(e.getKey()));
                value(e.getValue());
            }
            sb.append('}');
            first = false;
        } else if (v instanceof Collection<?> c) {
            sb.append('[');
            first = true;
            for (Object o : c) {
                value(o);
            }
            sb.append(']');
            first = false;
        } else {
            string(String.valueOf(v));
        }
        return this;
    }

    /** Appends already rendered JSON. */
    Json raw(String json) {
        comma();
        sb.append(json);
        first = false;
        return this;
    }

    private void comma() {
        if (!first) {
            sb.append(',');
        }
        first = true;
    }

    private void string(String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    @Override
    public String toString() {
        return sb.toString();
    }
}
