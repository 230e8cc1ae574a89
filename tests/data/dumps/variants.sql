-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)
/*!40101 SET NAMES utf8mb4 */; /*!40103 SET TIME_ZONE='+00:00' */;
# a hash comment
CREATE TABLE IF NOT EXISTS `users` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `email` varchar(255) NOT NULL DEFAULT '',
  `fname` varchar(255) NOT NULL DEFAULT 'a,b (c)',
  `mname` varchar(255) NOT NULL DEFAULT '',
  `lname` varchar(255) NOT NULL DEFAULT '',
  `suffix` varchar(50) NOT NULL DEFAULT '',
  `dob` date NOT NULL DEFAULT '0000-00-00',
  `ttpadmin` tinyint(1) NOT NULL DEFAULT 0,
  `deleted` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  `locked` tinyint(1) NOT NULL DEFAULT 0,
  `assurer` int(2) NOT NULL DEFAULT 0,
  `assurer_blocked` tinyint(1) NOT NULL DEFAULT 0,
  PRIMARY KEY (`id`),
  KEY `email` (`email`(191))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE `cats_variant` (`id` int NOT NULL, `type_id` int NOT NULL, `name` varchar(255) NOT NULL, PRIMARY KEY (`id`));
CREATE TABLE `cats_passed` (`id` int NOT NULL, `user_id` int NOT NULL, `variant_id` int NOT NULL, `pass_date` datetime NOT NULL);
CREATE TABLE `notary` (`id` int NOT NULL, `from` int NOT NULL, `to` int NOT NULL, `awarded` int NOT NULL, `points` int NOT NULL,
  `method` enum('Face to Face Meeting','TOPUP') NOT NULL, `location` varchar(255) NOT NULL, `date` varchar(255) NOT NULL,
  `when` datetime NOT NULL, `expire` datetime NOT NULL, `sponsor` int NOT NULL, `deleted` datetime NOT NULL);
CREATE TABLE `certs` (`id` int NOT NULL, `memid` int NOT NULL, `cert` text);
DELIMITER ;;
/*!50003 CREATE TRIGGER `certs_ins` BEFORE INSERT ON `certs` FOR EACH ROW BEGIN SET NEW.id = NEW.id; END */;;
DELIMITER ;
-- --complete-insert: the columns named, in another order
INSERT INTO `users` (`lname`, `id`, `email`, `fname`, `mname`, `suffix`, `dob`, `ttpadmin`, `deleted`, `locked`, `assurer`, `assurer_blocked`) VALUES ('Tab\there \"quoted\" \\ back','1','a@example.org',_binary 'Anna','','','1970-01-01',0,'2011-02-03 04:05:06',1,1,0);
INSERT INTO `users` VALUES (2,0x62406578616d706c652e6f7267,'Zero\0Byte','','It''s','','0000-00-00',0,'0000-00-00 00:00:00',0,0,0);
INSERT INTO `certs` VALUES (1,1,'-----BEGIN CERTIFICATE----- ; -- not a comment');
INSERT INTO `cats_variant` VALUES (1,1,'Assurer Challenge'),(5,2,'Org');
INSERT INTO `cats_passed` VALUES (1,1,5,'2009-01-01 10:00:00'); INSERT INTO `cats_passed` VALUES (2,2,1,'2010-01-01 10:00:00');
INSERT INTO `notary` VALUES (10,1,2,0,0,'Face to Face Meeting','Paris; -- here','2005-06-12',
'2005-06-13 10:00:00','0000-00-00 00:00:00',0,'0000-00-00 00:00:00');
-- Dump completed on 2026-12-01 12:00:00
