"""The datasets the grader serves: MNIST and Fashion-MNIST, found, fetched, imported and chosen."""
