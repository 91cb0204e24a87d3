package dev.jns.testkit;

import dev.jns.testkit.internal.Support;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

import java.lang.reflect.AnnotatedElement;
import java.util.List;
import java.util.Optional;

/**
 * The condition behind {@link RequiresNamespaces}: asks {@link dev.jns.Namespaces#doctor()} (real attempts,
 * made once per JVM) and disables with its reason, or fails when {@code jns.testkit.requireSupport=true}.
 */
public final class RequiresNamespacesCondition implements ExecutionCondition {
    /** For JUnit. */
    public RequiresNamespacesCondition() {
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Optional<AnnotatedElement> element = context.getElement();
        Optional<RequiresNamespaces> ann = element.flatMap(e -> AnnotationSupport.findAnnotation(e, RequiresNamespaces.class));
        if (ann.isEmpty()) {
            return ConditionEvaluationResult.enabled("no @RequiresNamespaces");
        }
        boolean rootless = ann.get().rootless() || !Support.runAsUser().isEmpty();
        return Support.evaluate(context, List.of(ann.get().value()), rootless);
    }
}
