"""What grader writes for people: keys, gradebooks, feedback, statistics."""
