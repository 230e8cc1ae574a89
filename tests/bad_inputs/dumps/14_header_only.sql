-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)
--
-- Host: localhost    Database: cacert
/*!40101 SET NAMES utf8mb4 */;
