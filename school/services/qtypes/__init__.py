"""The question types, one module per family; the registry is `school.services.question_types`."""
