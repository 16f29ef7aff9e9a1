/**
 * Image datasets for the ARREST trainer: readers for the Fashion-MNIST (IDX) and CIFAR-10/100
 * (official binary) formats, an in-memory {@link dev.arrest.trainer.data.ImageDataset}, seeded
 * subsets, plain-Java CIFAR augmentation and a {@link dev.arrest.trainer.data.DataLoader} that
 * turns the data into DJL batches.
 *
 * <p>Entry points: {@link dev.arrest.trainer.data.Datasets#load} or {@link
 * dev.arrest.trainer.data.DatasetKind#load}. Every problem with the data on disk is reported as a
 * {@link dev.arrest.trainer.data.DatasetException} that names the file and says how to obtain the
 * data.
 */
package dev.arrest.trainer.data;
